"""What the office hands up, written from the merged data: the 落实情况报告 draft and the 通报 (Word, 公文 layout),
and the 台账 (a print-ready sheet).

``facts`` holds what they are written from (built from a consolidation in memory) and ``source`` reads the same
from a merged workbook; ``figures`` computes everything the documents say (pure; the merged workbook's 通报 sheet
uses it too, so these two sit on the rules' layer); ``gongwen``, ``draft``, ``notice`` and ``ledger`` only lay it
out. This package file imports nothing, so the merged workbook's writer can use ``facts`` and ``figures`` without
loading python-docx or the readers.
"""
