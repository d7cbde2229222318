"""通报: units ranked by the office's chosen measure, the late and missing named, 红/黄/绿 per unit, as a Word
document in 公文 layout. The merged workbook's 通报 sheet (workbook/notice.py) lays out the same ``figures``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from zwgk_xl.atomic import atomic_path
from zwgk_xl.documents import standing as S
from zwgk_xl.documents import wording as W
from zwgk_xl.documents.facts import Facts


def write_notice(
    facts: Facts,
    path: str | Path,
    by: str = "completion",
    soon: int = S.SOON_DAYS,
    as_of: dt.date | None = None,
    template: str | Path | None = None,
) -> Path:
    from zwgk_xl.documents import gongwen as G
    from zwgk_xl.documents.draft import cn_number

    standings = S.standings(facts, by, soon)
    parts = S.notice_paragraphs(facts, standings, by, soon)
    doc = G.new_document(template)
    G.para(doc, G.S_TITLE, S.notice_title(facts))
    G.blank(doc)
    G.para(doc, G.S_BODY, f"根据《{facts.tasklist.title}》，现将各单位报送和落实情况通报如下。")
    for i, (head, sentences) in enumerate(parts.items(), start=1):
        if not sentences:
            continue
        G.para(doc, G.S_H1, f"{cn_number(i)}、{head}")
        for s in sentences:
            G.para(doc, G.S_BODY, s)
        if head == "落实情况":
            table_rows = S.notice_rows(standings)
            shading = [{7: S.RAG_FILLS[s.colour]} for s in standings]
            G.table(
                doc, S.NOTICE_HEADERS, table_rows, (11, 30, 12, 12, 13, 13, 26, 11, 28), shading, center=tuple(range(8))
            )
            G.blank(doc)
    G.blank(doc)
    if facts.tasklist.issuer:
        G.para(doc, G.S_SIGN, facts.tasklist.issuer)
    G.para(doc, G.S_SIGN, W.cn_date(as_of or facts.as_of))
    with atomic_path(Path(path)) as tmp:
        doc.save(str(tmp))
    return Path(path)
