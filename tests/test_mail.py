"""Mail against a real SMTP server (aiosmtpd on 127.0.0.1): plain, AUTH, STARTTLS and SSL; messages parsed back."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import re
import smtplib
import socket
import ssl

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

import zwgk_xl
from zwgk_xl import contract as C
from zwgk_xl import mail
from zwgk_xl.config import ConfigError, load
from zwgk_xl.model import Roster, Unit

from .conftest import fill_unit


class Sink:
    def __init__(self, reject: str = "") -> None:
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []
        self.raw: list[bytes] = []
        self.reject = reject

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.reject and address == self.reject:
            return "550 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.raw.append(envelope.content)
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), msg))
        return "250 OK"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _auth(server, session, envelope, mechanism, data):
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"clerk", b"secret")
    return AuthResult(success=ok, handled=False)  # not handled: aiosmtpd answers a failure with 535 itself


@pytest.fixture(scope="module")
def ca():
    return trustme.CA()


@pytest.fixture
def smtp(ca):
    """Start a server of the requested kind; yields (sink, transport factory)."""
    started = []

    def start(kind: str = "plain", reject: str = ""):
        sink = Sink(reject)
        port = _port()
        kw: dict = {"hostname": "127.0.0.1", "port": port}
        server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("127.0.0.1").configure_cert(server_ctx)
        client_ctx = ssl.create_default_context()
        ca.configure_trust(client_ctx)
        security, user, password = "none", "", ""
        if kind == "auth":
            kw.update(authenticator=_auth, auth_require_tls=False)
            user, password = "clerk", "secret"
        elif kind == "starttls":
            kw.update(tls_context=server_ctx, require_starttls=True, authenticator=_auth)
            security, user, password = "starttls", "clerk", "secret"
        elif kind == "ssl":
            kw.update(ssl_context=server_ctx)
            security = "ssl"
        ctl = Controller(sink, **kw)
        ctl.start()
        started.append(ctl)
        transport = mail.SmtpTransport("127.0.0.1", port, security, user, password, timeout=10, context=client_ctx)
        return sink, transport

    yield start
    for ctl in started:
        ctl.stop()


@pytest.fixture
def hs(built):
    _, b, _, base = built["haishu_2021"]
    return zwgk_xl.read_master(b.path), base / "outbox"


def _merged(built, tmp_path):
    _, b, s, _ = built["haishu_2021"]
    files = {f.unit.name: f for f in s.files}
    ret = tmp_path / "returns"
    fill_unit(
        files["宁波市海曙区人民政府办公室"].path,
        ret / "a.xlsx",
        {"T025": {"status": "已完成", "progress": "完成", "done_date": dt.datetime(2021, 9, 1), "lead_summary": "好"}},
    )
    fill_unit(files["宁波市海曙区司法局"].path, ret / "b.xlsx", {"T016": {"status": "未启动"}})
    result = zwgk_xl.consolidate(b.path, ret, as_of=dt.date(2021, 12, 31))
    return zwgk_xl.write_merged(result, tmp_path / "海曙汇总.xlsx")


def test_distribution_over_starttls_with_auth(hs, smtp, tmp_path) -> None:
    master, outbox = hs
    sink, transport = smtp("starttls")
    files = zwgk_xl.mail_files(master, outbox)
    outgoing, found = mail.distribution(master, files, "海曙区府办 <office@haishu.example>")
    assert found == [] and len(outgoing) == len(files) > 30
    log = tmp_path / "sent.jsonl"
    result = mail.deliver(outgoing, transport, log)
    assert len(result.sent) == len(files) and not result.failed
    got = {tuple(rcpts): msg for rcpts, msg in sink.messages}
    for unit, path in files:
        msg = got[(unit.email,)]
        assert msg["Subject"].endswith(unit.name) and "请填报" in msg["Subject"]
        assert str(msg["From"]) == "海曙区府办 <office@haishu.example>"
        rows = len(CalamineWorkbook.from_path(str(path)).get_sheet_by_name(C.SHEET_UNIT).to_python()) - C.UNIT_FIRST_ROW
        assert f"共 {rows} 项" in msg.get_body(("plain",)).get_content()  # tells the unit how many tasks it has
        (att,) = list(msg.iter_attachments())
        assert att.get_filename() == path.name  # Chinese name decoded exactly
        assert att.get_content() == path.read_bytes()  # byte-identical
    raw = sink.raw[0].decode("ascii")  # 7-bit clean on the wire
    assert "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n" in raw
    assert "=?utf-8?q?vnd" not in raw  # the MIME type is never turned into encoded words
    assert "filename*0*=utf-8''" in raw.lower()  # a long Chinese name in RFC 2231 continuations
    # a re-run sends nothing new; --resend sends again
    again = mail.deliver(outgoing, transport, log)
    assert (len(again.sent), len(again.skipped)) == (0, len(files))
    assert len(sink.messages) == len(files)
    assert len(mail.deliver(outgoing[:1], transport, log, resend=True).sent) == 1


def test_auth_is_required_and_used(hs, smtp, tmp_path) -> None:
    master, outbox = hs
    sink, transport = smtp("auth")
    outgoing, _ = mail.distribution(master, zwgk_xl.mail_files(master, outbox)[:2], "office@haishu.example")
    assert len(mail.deliver(outgoing, transport, tmp_path / "log.jsonl").sent) == 2
    transport.password = "wrong"  # refused at once (535): the clerk is told the password, not the connection
    with pytest.raises(mail.MailServerError, match=r"拒绝登录.*用户名或密码"):
        mail.deliver(outgoing, transport, tmp_path / "other.jsonl")
    assert len(sink.messages) == 2 and not (tmp_path / "other.jsonl").exists()


def test_no_server_is_a_connection_message(hs, tmp_path) -> None:
    master, outbox = hs
    outgoing, _ = mail.distribution(master, zwgk_xl.mail_files(master, outbox)[:1], "office@haishu.example")
    nobody = mail.SmtpTransport("127.0.0.1", _port(), "none", "clerk", "secret", timeout=10)
    with pytest.raises(mail.MailServerError, match=r"无法连接邮件服务器 127\.0\.0\.1"):
        mail.deliver(outgoing, nobody, tmp_path / "log.jsonl")


def test_a_refused_message_reads_in_chinese() -> None:
    from zwgk_xl.mail.transports import reason

    assert (
        reason(smtplib.SMTPRecipientsRefused({"a@x.example": (550, b"no")}))
        == "收件人地址被邮件服务器拒绝：a@x.example"
    )
    assert reason(smtplib.SMTPDataError(554, b"spam")) == "邮件服务器拒收（554 spam）"


def test_one_failure_does_not_stop_the_rest(hs, smtp, tmp_path) -> None:
    master, outbox = hs
    files = zwgk_xl.mail_files(master, outbox)[:3]
    sink, transport = smtp("plain", reject=files[1][0].email)
    outgoing, _ = mail.distribution(master, files, "office@haishu.example")
    result = mail.deliver(outgoing, transport, tmp_path / "log.jsonl")
    assert [o.unit for o, _ in result.failed] == [files[1][0].name]
    assert len(result.sent) == 2 and len(sink.messages) == 2
    # the failed one is not in the log, so the next run retries only it
    retry = mail.deliver(outgoing, transport, tmp_path / "log.jsonl")
    assert len(retry.skipped) == 2 and len(retry.failed) == 1


def test_summary_over_ssl_matches_the_workbook(built, smtp, tmp_path) -> None:
    merged = _merged(built, tmp_path)
    report = zwgk_xl.read_report(merged)
    sink, transport = smtp("ssl")
    out = mail.summary(report, merged, "office@haishu.example", ["boss@haishu.example"])
    mail.deliver([out], transport, tmp_path / "log.jsonl")
    ((rcpts, msg),) = sink.messages
    assert rcpts == ["boss@haishu.example"]
    plain = msg.get_body(("plain",)).get_content()
    assert plain.startswith("领导：") and "截至2021年12月31日" in plain  # salutation, dates as people read them
    assert "区府办" in plain.splitlines()[-2] or "（本邮件由" in plain.splitlines()[-1]  # signed
    readme = "".join(
        str(row[0]) for row in CalamineWorkbook.from_path(str(merged)).get_sheet_by_name(C.SHEET_README).to_python()
    )
    tally = re.search(r"问题 \d+ 条（[^）]*）", plain)
    assert tally and tally.group() in readme  # the mail and the workbook's 说明 count the same problems
    html = msg.get_body(("html",)).get_content()
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", html.split("<h4>各单位情况</h4>")[1].split("<h4>")[0])
    table = [re.findall(r"<td[^>]*>(.*?)</td>", r) for r in rows[1:]]
    sheet = CalamineWorkbook.from_path(str(merged)).get_sheet_by_name(C.SHEET_DASHBOARD).to_python()
    head = sheet[5]
    book = {r[1]: r for r in sheet[6:] if r[1] and isinstance(r[2], float)}  # 序号, 单位, 任务数, …
    assert len(table) == len(report.units)
    cols = list(mail.UNIT_HEADERS)
    statuses = cols[cols.index("已完成") : cols.index("逾期")]
    assert "不涉及" in statuses and "未填报" in statuses
    for name, unit in zip((r[0] for r in table), report.units, strict=True):
        row = next(r for r in table if r[0] == name)
        w = book[unit.unit.short]
        assert sum(int(row[cols.index(s)]) for s in statuses) == int(row[1])  # each row adds up to 任务数
        for h in ("任务数", *statuses, "逾期"):
            assert int(row[cols.index(h)]) == int(w[head.index(h)]), h
    (att,) = list(msg.iter_attachments())
    assert att.get_filename() == "海曙汇总.xlsx" and att.get_content() == merged.read_bytes()


def test_reminders_and_lead_status(built, tmp_path) -> None:
    report = zwgk_xl.read_report(_merged(built, tmp_path))
    outgoing, _ = mail.reminders(report, "office@haishu.example")
    units = {o.unit for o in outgoing}
    assert "宁波市海曙区司法局" not in units  # returned, every task answered, nothing overdue (no deadlines printed)
    assert "宁波市海曙区财政局" in units  # never returned
    body = next(o for o in outgoing if o.unit == "宁波市海曙区财政局").message.get_body(("plain",)).get_content()
    assert "尚未报送" in body and "进一步扩大预决算公开范围" in body  # told exactly which tasks
    office = next(o for o in outgoing if o.unit == "宁波市海曙区人民政府办公室")  # returned one task of six
    text = office.message.get_body(("plain",)).get_content()
    assert "5 项任务未填报" in str(office.message["Subject"]) and "推行政府网站集约化建设" not in text
    leads, _ = mail.lead_status(report, "office@haishu.example")
    office = next(o for o in leads if o.unit == "宁波市海曙区人民政府办公室")
    assert "宁波市海曙区大数据发展管理中心" in office.message.get_body(("plain",)).get_content()


def test_unit_without_address_is_a_finding(hs) -> None:
    master, outbox = hs
    files = zwgk_xl.mail_files(master, outbox)[:2]
    unit, path = files[0]
    no_mail = Unit(unit.id, unit.name, unit.aliases, unit.kind, "")
    outgoing, found = mail.distribution(master, [(no_mail, path), files[1]], "office@haishu.example")
    assert len(outgoing) == 1 and [(f.code, f.unit) for f in found] == [("no-email", unit.name)]
    assert Roster((no_mail,)).get(unit.id) == no_mail


def test_cli_dry_run_and_outbox(hs, built, tmp_path, monkeypatch) -> None:
    from zwgk_xl.cli import app

    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    _, b, _, base = built["haishu_2021"]
    res = runner.invoke(app, ["send", str(base / "outbox"), "-m", str(b.path), "--dry-run"])
    assert res.exit_code == 0 and "将发送" in res.stdout and "KB" in res.stdout
    assert not list(tmp_path.rglob("*.eml"))
    res = runner.invoke(app, ["send", str(base / "outbox"), "-m", str(b.path), "--outbox", "发件箱"])
    assert res.exit_code == 0, res.output
    emls = list((tmp_path / "发件箱").glob("*.eml"))
    assert len(emls) == len(zwgk_xl.mail_files(zwgk_xl.read_master(b.path), base / "outbox"))
    res = runner.invoke(app, ["send", str(base / "outbox"), "-m", str(b.path), "--outbox", "发件箱"])
    assert "跳过" in res.stdout and len(list((tmp_path / "发件箱").glob("*.eml"))) == len(emls)


def test_config_password_never_in_file(tmp_path, monkeypatch) -> None:
    p = tmp_path / "zwgk.toml"
    p.write_text('[mail]\nhost = "smtp.x.example"\npassword = "123"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="密码"):
        load(p)
    p.write_text(
        '[mail]\nhost = "smtp.x.example"\nsecurity = "starttls"\nuser = "a"\noffice = "o@x.example"\n', encoding="utf-8"
    )
    monkeypatch.setenv("ZWGK_SMTP_PASSWORD", "from-env")
    cfg = load(p)
    assert (cfg.mail.port, cfg.mail.office, cfg.mail.password()) == (587, ("o@x.example",), "from-env")


def test_building_mail_loads_no_reader_or_writer() -> None:
    """Building an email from a Report in memory loads no collector, reader or workbook writer: the builders
    depend on the plan and the report only (run in a fresh interpreter, where sys.modules starts empty)."""
    import subprocess
    import sys

    code = """
import sys
from zwgk_xl import mail
from zwgk_xl.model import Roster, Task, TaskList, Unit, UnitRef, Deadline
from zwgk_xl.plan import Master
from zwgk_xl.report import Assign, Report, TaskLine, UnitLine

units = (Unit("A", "甲局", email="a@x.example"), Unit("B", "乙局", email="b@x.example"))
lead, resp = (UnitRef("甲局"),), (UnitRef("乙局"),)
task = Task("T1", "1", (), "任务", lead=lead, responsible=resp, deadline=Deadline("年底", "none"))
master = Master(None, TaskList("清单", 2022, "区府办", (), (task,)), Roster(units), {}, ())
report = Report(
    master,
    "2022-12-15",
    (UnitLine(units[0], True, 1, 1, {}, 0), UnitLine(units[1], False, 1, 0, {}, 0)),
    (TaskLine("T1", "推进中", "1/2", False),),
    (Assign("A", "T1", "牵头", "推进中", False), Assign("B", "T1", "责任", "未报送", False)),
    (),
)
assert len(mail.reminders(report, "office@x.example")[0]) == 1
assert len(mail.lead_status(report, "office@x.example")[0]) == 1
heavy = ("zwgk_xl.collect", "zwgk_xl.build", "zwgk_xl.merge", "zwgk_xl.workbook.master", "python_calamine", "openpyxl")
print(",".join(m for m in heavy if m in sys.modules))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""


def test_drafts_are_drafts_and_reminders_say_everything(built, tmp_path) -> None:
    """.eml files open as drafts (X-Unsent: 1) from the clerk's own account when no sender is configured; a reminder
    names each task as the list prints it and by id, whole, says by when and whom to ask, and attaches the form again
    to a unit that never returned it; overdue rows are red."""
    import email
    from email import policy

    _, _, s, _ = built["haishu_2021"]
    report = zwgk_xl.read_report(_merged(built, tmp_path))
    forms = {u.id: p for u, p in zwgk_xl.mail_files(report.master, s.files[0].path.parent)}
    outgoing, _ = mail.reminders(report, "", forms)
    never = next(o for o in outgoing if o.unit == "宁波市海曙区财政局")
    assert never.message["From"] is None  # no zwgk@localhost
    assert str(never.message["Subject"]).endswith("——宁波市海曙区财政局：尚未报送填报表")
    office = next(o for o in outgoing if o.unit == "宁波市海曙区人民政府办公室")
    assert "：有 5 项任务未填报" in str(office.message["Subject"])
    text = never.message.get_body(("plain",)).get_content()
    assert "请于2022年11月30日前" in text and "联系人：区府办 张三" in text
    import dataclasses  # a reminder sent after the due date says it has passed, not "by" a past date

    late, _ = mail.reminders(dataclasses.replace(report, as_of="2022-12-15"), "", forms)
    late_text = next(o for o in late if o.unit == never.unit).message.get_body(("plain",)).get_content()
    assert "报送截止时间（2022年11月30日）已过，请尽快" in late_text and "请于2022年11月30日前" not in late_text
    task = report.master.tasklist.tasks[0]
    label = C.task_label(report.master.tasklist, task.id)
    assert label.startswith("一、") or label == task.number
    rows = [line.split("\t") for line in text.splitlines() if "\t" in line]
    assert rows[0][:3] == ["序号", "任务编号", "重点工作"]
    ids = {r[1] for r in rows[1:]}
    assert ids and all(r[0] == C.task_label(report.master.tasklist, r[1]) for r in rows[1:])
    for r in rows[1:]:  # whole texts, or cut cleanly
        whole = report.task(r[1]).text
        assert r[2] == whole or (r[2].endswith("……") and whole.startswith(r[2][:-2]))
    (att,) = list(never.message.iter_attachments())
    assert att.get_filename().endswith("宁波市海曙区财政局.xlsx")  # the form again
    assert not list(office.message.iter_attachments())  # returned: no form
    with mail.OutboxTransport(tmp_path / "box") as box:
        path = tmp_path / "box" / box.send(never)
    parsed = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert parsed["X-Unsent"] == "1" and parsed["From"] is None and parsed["To"]
    assert never.message["X-Unsent"] is None  # only the file is a draft


def test_cli_says_drafts_not_sent(built, tmp_path) -> None:
    from typer.testing import CliRunner

    from zwgk_xl.cli import app

    merged = _merged(built, tmp_path)
    res = CliRunner().invoke(app, ["remind", str(merged), "--outbox", str(tmp_path / "box")], env={"COLUMNS": "100"})
    assert res.exit_code == 0, res.output
    assert "已写成草稿" in res.output and "已发送" not in res.output
    assert "没有发现问题" not in res.output  # the merge found problems; remind has none of its own to report
    res = CliRunner().invoke(app, ["report", str(merged)], env={"COLUMNS": "100"})
    assert "zwgk.toml 的 [mail] 中设置 office" in res.output  # brackets not eaten as markup
