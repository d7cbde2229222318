"""Everything that knows sheets, cells and zip parts: XlsxWriter helpers (xlsx), the per-unit sheet (unitsheet),
the master book's writer and reader (master), the merged book (merged) and its hidden results (results).

The rules (plan, checks, consolidate) never import from here; the stages (build, split, collect, merge) do. What
the workbooks contain is fixed in contract.py, which the rules share.
"""
