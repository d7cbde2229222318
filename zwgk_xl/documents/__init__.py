"""What the office hands up, written from the merged data: the 落实情况报告 draft and the 通报 (Word, 公文 layout),
and the 台账 (a print-ready sheet).

``source`` gathers the facts (the merged workbook's hidden results, 填报明细 and 汇总, or a consolidation in
memory); ``figures`` computes everything the documents say (pure); ``gongwen``, ``draft``, ``notice`` and
``ledger`` only lay it out. Nothing here imports python-docx until a Word document is written.
"""

from zwgk_xl.documents.source import Facts, facts_from_consolidation, read_facts

__all__ = ["Facts", "facts_from_consolidation", "read_facts"]
