"""The worst single-file cost: how long loading one hostile return takes (everything collect does to a file before
its checks: bytes, sniff, range bound, parse, formula scan, side texts), for each kind a returns folder may hold.

python benchmarks/bench_hostile.py

Also prints the formula scan on a worksheet whose comment holds N "<c " (the quadratic case of issue 13), beside
the regular expression it replaced, so the before/after stays measurable.
"""

from __future__ import annotations

import datetime as dt
import email.message
import io
import re
import sys
import tempfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from zwgk_xl import build_master, import_tasklist, load_roster, split_units  # noqa: E402
from zwgk_xl.collect import collect  # noqa: E402
from zwgk_xl.simulate import fill  # noqa: E402
from zwgk_xl.workbook.master import read_master  # noqa: E402
from zwgk_xl.workbook.returnfile import load_all  # noqa: E402
from zwgk_xl.workbook.xmlparts import cell_span, formula_cells  # noqa: E402

#: The regular expression the formula scan used before issue 13 (quadratic on many "<c " without a closing tag).
OLD_SCAN = re.compile(r'<c\b[^>]*\br="([A-Z]+\d+)"[^>]*>((?:(?!</c>).)*?<f\b.*?)</c>', re.S)
SAMPLES = HERE.parent / "zwgk_xl" / "samples"


def _with_member(src: bytes, name: str, data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(src)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item, data if item.filename == name else zin.read(item.filename))
        if name not in zin.namelist():
            zout.writestr(name, data)
    return out.getvalue()


def _sheet(src: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(src)) as z:
        return z.read("xl/worksheets/sheet1.xml").decode()


def hostile_files(base: Path) -> dict[str, bytes]:
    roster, _ = load_roster(SAMPLES / "haishu_roster.csv")
    tl = import_tasklist(SAMPLES / "haishu_2021_tasklist.txt", roster).tasklist
    now = dt.datetime(2022, 3, 1)
    b = build_master(tl, roster, base / "总表.xlsx", round_label="1", due="2022-11-30", now=now)
    s = split_units(b.path, base / "outbox", now=now)
    import random

    town = next(f for f in s.files if f.unit.name.endswith("街道办事处"))
    fill(town.path, base / "ok.xlsx", random.Random(1), day=dt.date(2022, 11, 1))
    ok = (base / "ok.xlsx").read_bytes()
    xml = _sheet(ok)
    comment = "<!--" + "<c " * 1_000_000 + "-->"
    far = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    mail = email.message.EmailMessage()
    mail["Subject"] = "报送"
    mail.set_content("附件")
    mail.add_attachment(ok, maintype="application", subtype="octet-stream", filename="填报表.xlsx")
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w", zipfile.ZIP_DEFLATED) as z:
        for k in range(200):
            z.writestr(f"单位{k}/填报表.xlsx", ok)
    return {
        "ordinary return (17 tasks).xlsx": ok,
        "comment of 1,000,000 '<c ' (3 MB).xlsx": _with_member(
            ok, "xl/worksheets/sheet1.xml", xml.replace("<sheetData>", "<sheetData>" + comment).encode()
        ),
        "far cell XFD1048576.xlsx": _with_member(
            ok, "xl/worksheets/sheet1.xml", xml.replace("</sheetData>", far + "</sheetData>").encode()
        ),
        "300,000 rows without references.xlsx": _with_member(
            ok,
            "xl/worksheets/sheet1.xml",
            xml.replace("</sheetData>", "<row/>" * 300_000 + "<row>" + "<c/>" * 16_000 + "</row></sheetData>").encode(),
        ),
        "zip bomb (160 MB sharedStrings).xlsx": _with_member(
            ok, "xl/sharedStrings.xml", b"<sst>" + b"a" * (160 * 2**20) + b"</sst>"
        ),
        "mail with the return attached.eml": bytes(mail),
        "zip of 200 returns.zip": many.getvalue(),
    }


def main() -> None:
    print("formula scan, one <f> after a comment of N '<c ' (seconds):")
    print(f"  {'N':>9}  {'regex (before)':>14}  {'pull parser (now)':>17}")
    for n in (2_000, 4_000, 8_000, 100_000, 1_000_000):
        xml = (
            f'<worksheet><sheetData><!--{"<c " * n}--><row r="1"><c r="A1"><f>1+1</f></c></row></sheetData></worksheet>'
        )
        old = "—"
        if n <= 8_000:
            t = time.perf_counter()
            list(OLD_SCAN.finditer(xml))
            old = f"{time.perf_counter() - t:.2f}"
        z = io.BytesIO()
        with zipfile.ZipFile(z, "w") as zf:
            zf.writestr(
                "xl/workbook.xml", '<workbook xmlns:r="r"><sheets><sheet name="s" r:id="a"/></sheets></workbook>'
            )
            zf.writestr(
                "xl/_rels/workbook.xml.rels",
                '<Relationships><Relationship Id="a" Type="x/worksheet" Target="worksheets/s.xml"/></Relationships>',
            )
            zf.writestr("xl/worksheets/s.xml", xml)
        t = time.perf_counter()
        found = formula_cells(zipfile.ZipFile(z), "s", {"xl/worksheets/s.xml": xml.encode()})
        cell_span(xml.encode(), exact=True)
        assert found == {"A1": "1+1"}
        print(f"  {n:>9,}  {old:>14}  {time.perf_counter() - t:>17.3f}")

    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        files = hostile_files(base)
        folder = base / "returns"
        folder.mkdir()
        print("\nload one file (best of 3, seconds):")
        worst = ("", 0.0)
        for name, data in files.items():
            path = folder / name
            path.write_bytes(data)
            best = float("inf")
            for _ in range(3):
                t = time.perf_counter()
                got = load_all(path)
                best = min(best, time.perf_counter() - t)
            what = got[0].problem[0] if got[0].problem else "read"
            print(f"  {best:7.3f}  {name}  → {what}{f' (+{len(got) - 1} inside)' if len(got) > 1 else ''}")
            worst = max(worst, (name, best), key=lambda w: w[1])
        t = time.perf_counter()
        col = collect(read_master(base / "总表.xlsx"), folder)
        print(f"\nworst single file: {worst[1]:.3f} s ({worst[0]})")
        took = time.perf_counter() - t
        print(f"whole folder ({len(files)} files, {len(col.submissions)} returns counted): {took:.2f} s")


if __name__ == "__main__":
    main()
