"""The 公文 layout (GB/T 9704-2012) for python-docx documents, as plain styles a clerk can edit in Word or WPS.

- A4; margins 37 mm top, 35 mm bottom, 28 mm left, 26 mm right (版心 156 × 225 mm).
- 标题 方正小标宋简体 二号 (22 pt), centred; 正文 仿宋_GB2312 三号 (16 pt), fixed 28 pt line spacing (22 lines a
  page), first line indented two characters; 一级标题 "一、" 黑体; 二级标题 "（一）" 楷体_GB2312; 三级 "1." 仿宋.
- Page numbers 4号 宋体 "— 1 —" under the 版心, odd pages right and even pages left, one character in from the edge
  (a PAGE field in the footer, Word's own; nothing else is a field).
- Fonts go in the East-Asian slot (w:eastAsia), which is the one Word and WPS use for Chinese text; Latin letters and
  digits get Times New Roman. Where a 公文 font is not installed (Windows ships 仿宋, 楷体, 宋体 and 黑体 but not the
  _GB2312 faces or 方正小标宋), the font table names a common alternative (w:altName), which Word and WPS substitute;
  LibreOffice falls back to any installed CJK face (Noto CJK on Linux).

Styles carry Chinese names (公文标题, 一级标题 …) and outline levels, so the navigation pane shows the structure.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as Doc
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from lxml import etree

FONT_TITLE = "方正小标宋简体"
FONT_BODY = "仿宋_GB2312"
FONT_H1 = "黑体"
FONT_H2 = "楷体_GB2312"
FONT_PAGE = "宋体"
FONT_LATIN = "Times New Roman"
#: What Word/WPS substitute where the 公文 face is missing (w:altName in the font table).
FALLBACKS = {FONT_TITLE: "宋体", FONT_BODY: "仿宋", FONT_H2: "楷体", FONT_H1: "SimHei", FONT_PAGE: "SimSun"}

SIZE_TITLE = 22.0  # 二号
SIZE_BODY = 16.0  # 三号
SIZE_PAGE = 14.0  # 四号
SIZE_TABLE = 10.5  # 五号
LINE = 28.0  # fixed line spacing of the body
LINE_TITLE = 35.0

S_TITLE, S_H1, S_H2, S_H3, S_BODY = "公文标题", "一级标题", "二级标题", "三级标题", "公文正文"
S_TABLE, S_TABLE_HEAD, S_PAGE, S_SIGN = "表格文字", "表格表头", "页码", "落款"


def set_fonts(target: Any, east_asia: str, latin: str = FONT_LATIN) -> None:
    """East-Asian and Latin slots of a style's or run's rFonts (theme fonts removed: they would override)."""
    rpr = target.get_or_add_rPr() if hasattr(target, "get_or_add_rPr") else target
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        if attr.endswith("Theme"):
            del fonts.attrib[attr]
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:hint"), "eastAsia")


def _style(
    doc: Doc, name: str, font: str, size: float, *, base: str | None = None, outline: int | None = None
) -> ParagraphStyle:
    styles = doc.styles
    st = styles[name] if name in [s.name for s in styles] else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if base:
        st.base_style = styles[base]
    st.quick_style = True
    st.font.size = Pt(size)
    st.font.bold = False
    st.font.color.rgb = RGBColor(0, 0, 0)
    set_fonts(st.element.get_or_add_rPr(), font, FONT_PAGE if font == FONT_PAGE else FONT_LATIN)
    pf = st.paragraph_format
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(LINE)
    pf.widow_control = False
    ppr = st.element.get_or_add_pPr()
    hang = OxmlElement("w:overflowPunct")  # no punctuation hanging past the margin
    hang.set(qn("w:val"), "0")
    ppr.append(hang)
    if outline is not None:
        lvl = OxmlElement("w:outlineLvl")
        lvl.set(qn("w:val"), str(outline))
        ppr.append(lvl)
    return st


def _indent_chars(pf_element: Any, chars: int, size: float) -> None:
    """First-line indent of ``chars`` characters (w:firstLineChars, with the twips Word falls back to)."""
    ppr = pf_element.get_or_add_pPr()
    ind = ppr.find(qn("w:ind"))
    if ind is None:
        ind = OxmlElement("w:ind")
        ppr.append(ind)
    ind.set(qn("w:firstLineChars"), str(chars * 100))
    ind.set(qn("w:firstLine"), str(int(chars * size * 20)))


def new_document(template: str | Path | None = None) -> Doc:
    """An empty document in 公文 layout; with ``template``, its styles, page setup and footers, its body emptied.
    A style the template defines under one of our names is kept as the template has it."""
    doc = Document(str(template)) if template else Document()
    own = set()
    if template:
        own = {s.name for s in doc.styles}
        body = doc.element.body
        for child in list(body):
            if child.tag != qn("w:sectPr"):
                body.remove(child)
    else:
        for sec in doc.sections:
            sec.page_width, sec.page_height = Mm(210), Mm(297)
            sec.top_margin, sec.bottom_margin = Mm(37), Mm(35)
            sec.left_margin, sec.right_margin = Mm(28), Mm(26)
            sec.header_distance, sec.footer_distance = Mm(15), Mm(22)
    _defaults(doc)
    if S_BODY not in own:
        body = _style(doc, S_BODY, FONT_BODY, SIZE_BODY)
        _indent_chars(body.element, 2, SIZE_BODY)
        # left, not justified: LibreOffice drops a 、 that ends a full justified line of Chinese (seen in three of
        # four sample documents); Chinese characters are of one width, so the lines look the same
        body.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    for name, font, outline in ((S_H1, FONT_H1, 0), (S_H2, FONT_H2, 1), (S_H3, FONT_BODY, 2)):
        if name not in own:
            h = _style(doc, name, font, SIZE_BODY, base=S_BODY, outline=outline)
            h.paragraph_format.keep_with_next = True
    if S_TITLE not in own:
        t = _style(doc, S_TITLE, FONT_TITLE, SIZE_TITLE, outline=None)
        t.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        t.paragraph_format.line_spacing = Pt(LINE_TITLE)
        t.paragraph_format.keep_with_next = True
    if S_SIGN not in own:
        s = _style(doc, S_SIGN, FONT_BODY, SIZE_BODY)
        s.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        s.paragraph_format.right_indent = Pt(4 * SIZE_BODY)
    if S_TABLE not in own:
        tb = _style(doc, S_TABLE, FONT_BODY, SIZE_TABLE)
        tb.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        tb.paragraph_format.line_spacing = None
    if S_TABLE_HEAD not in own:
        th = _style(doc, S_TABLE_HEAD, FONT_H1, SIZE_TABLE)
        th.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        th.paragraph_format.line_spacing = None
        th.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if S_PAGE not in own:
        pg = _style(doc, S_PAGE, FONT_PAGE, SIZE_PAGE)
        pg.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        pg.paragraph_format.line_spacing = None
    _font_table(doc)
    if not template or not _has_footer_text(doc):
        page_numbers(doc)
    return doc


def _defaults(doc: Doc) -> None:
    """Document defaults: 仿宋 / Times New Roman, Chinese language for East-Asian text, no theme fonts."""
    styles = doc.styles.element
    rpr = styles.find(qn("w:docDefaults") + "/" + qn("w:rPrDefault") + "/" + qn("w:rPr"))
    if rpr is not None:
        set_fonts(rpr, FONT_BODY)
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.append(lang)
        lang.set(qn("w:eastAsia"), "zh-CN")
    normal = doc.styles["Normal"]
    set_fonts(normal.element.get_or_add_rPr(), FONT_BODY)
    normal.font.size = Pt(SIZE_BODY)


def _font_table(doc: Doc) -> None:
    """Each 公文 face in the font table with its GB2312 charset and the alternative Word/WPS substitute."""
    part = next((r.target_part for r in doc.part.rels.values() if r.reltype == RT.FONT_TABLE), None)
    if part is None:  # a template without a font table: Word and WPS fall back on their own
        return
    root = parse_xml(part.blob)
    have = {f.get(qn("w:name")) for f in root.findall(qn("w:font"))}
    for name, alt in FALLBACKS.items():
        if name in have:
            continue
        font = parse_xml(
            f'<w:font {nsdecls("w")} w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/>'
            f'<w:family w:val="{"modern" if name in (FONT_BODY, FONT_H2) else "auto"}"/>'
            '<w:pitch w:val="fixed"/></w:font>'
        )
        root.append(font)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)  # a plain Part


def _has_footer_text(doc: Doc) -> bool:
    return any(p.text.strip() for s in doc.sections for p in s.footer.paragraphs)


def _field_runs(paragraph: Paragraph, instr: str, shown: str) -> None:
    """A field Word and WPS update themselves (PAGE), in the complex form every office suite reads."""
    for kind, text in (("begin", None), ("instr", instr), ("separate", None), ("text", shown), ("end", None)):
        run = paragraph.add_run()
        if kind == "instr":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = f" {text} "
            run._r.append(el)
        elif kind == "text":
            run.text = text or ""
        else:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
            run._r.append(el)


def page_numbers(doc: Doc) -> None:
    """ "— N —" in 4号 宋体 at the foot: odd pages right, even pages left, one character in (GB/T 9704 7.5)."""
    doc.settings.odd_and_even_pages_header_footer = True
    for sec in doc.sections:
        for footer, align in ((sec.footer, WD_ALIGN_PARAGRAPH.RIGHT), (sec.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
            footer.is_linked_to_previous = False
            p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
            p.text = ""
            styled(p, doc, S_PAGE)
            p.alignment = align
            if align == WD_ALIGN_PARAGRAPH.RIGHT:
                p.paragraph_format.right_indent = Pt(SIZE_PAGE)
            else:
                p.paragraph_format.left_indent = Pt(SIZE_PAGE)
            p.add_run("— ")
            _field_runs(p, "PAGE", "1")
            p.add_run(" —")


# ------------------------------------------------------------------------------------------------ content


def style_id(doc: Doc, name: str) -> str:
    """A style's id, looked up once per document: setting ``paragraph.style`` by object makes python-docx scan
    every style for the default each time (a 通报 of 1,000 units spent a minute there)."""
    ids: dict[str, str] = doc.__dict__.setdefault("_zwgk_style_ids", {})
    if name not in ids:
        ids[name] = doc.styles[name].style_id
    return ids[name]


def styled(p: Paragraph, doc: Doc, name: str) -> Paragraph:
    p._p.style = style_id(doc, name)
    return p


def para(doc: Doc, style: str, text: str = "", bold_lead: str = "") -> Paragraph:
    p = styled(doc.add_paragraph(), doc, style)
    if bold_lead:
        p.add_run(bold_lead).bold = True
    if text:
        p.add_run(text)
    return p


def runs(doc: Doc, style: str, parts: Iterable[tuple[str, bool]]) -> Paragraph:
    """A paragraph of (text, bold) runs."""
    p = styled(doc.add_paragraph(), doc, style)
    for text, bold in parts:
        if text:
            r = p.add_run(text)
            if bold:
                r.bold = True
    return p


def blank(doc: Doc) -> None:
    p = styled(doc.add_paragraph(), doc, S_BODY)
    p.paragraph_format.first_line_indent = Pt(0)


def page_break(doc: Doc) -> None:
    p = styled(doc.add_paragraph(), doc, S_BODY)
    p.add_run().add_break(WD_BREAK.PAGE)


def table(
    doc: Doc,
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    widths_mm: Sequence[float],
    shading: Sequence[dict[int, str]] | None = None,
    center: Sequence[int] = (),
) -> Table:
    """A bordered table whose header row repeats on every page (w:tblHeader); plain text cells, widths in mm.
    ``shading[i]`` maps a column to a fill colour for data row i. Rows are walked once (indexing ``table.rows``
    runs an XPath over every row)."""
    data = list(rows)
    t = doc.add_table(rows=1 + len(data), cols=len(headers))
    _borders(t)  # set on the table itself: a template made in Word may not carry the "Table Grid" style
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    for i, w in enumerate(widths_mm):
        t.columns[i].width = Mm(w)
    widths = [Mm(w) for w in widths_mm]
    for r, row in enumerate(t.rows):
        if r == 0:
            row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
        values = headers if r == 0 else data[r - 1]
        for i, (cell, v) in enumerate(zip(row.cells, values, strict=False)):
            cell.width = widths[i]
            lines = str(v).split("\n")
            p = styled(cell.paragraphs[0], doc, S_TABLE_HEAD if r == 0 else S_TABLE)
            if r and i in center:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.add_run(lines[0])
            for more in lines[1:]:
                styled(cell.add_paragraph(), doc, S_TABLE).add_run(more)
            if r == 0:
                _shade(cell, "D9D9D9")
            elif shading and (fill := shading[r - 1].get(i)):
                _shade(cell, fill)
    return t


def _borders(t: Table) -> None:
    tblpr = t._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), "4")
        el.set(qn("w:space"), "0")
        el.set(qn("w:color"), "000000")
        borders.append(el)
    tblpr.append(borders)


def _shade(cell: _Cell, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill.lstrip("#"))
    tcpr.append(shd)
