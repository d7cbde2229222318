"""The audit record (留痕库): an append-only SQLite database of every return read, every merge and every mail.

Why SQLite (stdlib sqlite3): one file beside the masters, nothing to install, and transactions: a merge's rows
(files, answers, task statuses, then the merge itself) are one transaction, so a merge killed half-way leaves the
record exactly as before it (WAL journal, synchronous=FULL). The tables refuse UPDATE and DELETE (triggers), so the
trail cannot be edited through the tool; what a later merge knows better is a new row, never a changed one.

The record is a convenience, never a gate: a missing one is created, a damaged one is moved aside and recreated
(findings say so), and an unwritable one only costs the trail of that merge. Merged workbooks carry their results
and round state in hidden sheets, so the record can be rebuilt from them (``zwgk history --rebuild``).

Rules-level: plain rows in and out; the stages build the rows.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from zwgk_xl import findings
from zwgk_xl.model import Finding
from zwgk_xl.rounds import FIELDS, Carried, RoundInfo, RoundState

RECORD_NAME = "留痕库.sqlite"
SCHEMA_VERSION = "1"
#: Set in tests only: the merge transaction writes this file's path and waits before committing, to be killed.
PAUSE_ENV = "ZWGK_RECORD_PAUSE"

_TABLES = {
    "merges": (
        "merge_key TEXT PRIMARY KEY, list_id TEXT, title TEXT, round TEXT, as_of TEXT, due TEXT, merged_at TEXT, "
        "master_path TEXT, master_sha256 TEXT, output_path TEXT, output_sha256 TEXT, units INTEGER, "
        "returned INTEGER, tasks INTEGER, findings INTEGER, figures TEXT, source TEXT"
    ),
    "files": (
        "id INTEGER PRIMARY KEY, merge_key TEXT NOT NULL, path TEXT, size INTEGER, sha256 TEXT, unit_id TEXT, "
        "unit TEXT, list_id TEXT, round TEXT, report_date TEXT, read_at TEXT, outcome TEXT, findings TEXT"
    ),
    "answers": (
        "id INTEGER PRIMARY KEY, merge_key TEXT NOT NULL, round TEXT, unit_id TEXT, unit TEXT, task_id TEXT, "
        "role TEXT, status TEXT, progress TEXT, done_date TEXT, evidence TEXT, plan TEXT, lead_summary TEXT, "
        "change TEXT, file TEXT, report_date TEXT"
    ),
    "tasks": "id INTEGER PRIMARY KEY, merge_key TEXT NOT NULL, round TEXT, task_id TEXT, status TEXT, overdue INTEGER",
    "mails": (
        "id INTEGER PRIMARY KEY, at TEXT, kind TEXT, unit TEXT, to_addr TEXT, subject TEXT, key TEXT, via TEXT, "
        "state TEXT, detail TEXT"
    ),
    "meta": "key TEXT PRIMARY KEY, value TEXT",
}
TABLES = tuple(_TABLES)


class RecordError(Exception):
    """The record cannot be opened or written (locked, read-only, damaged beyond moving aside)."""


@dataclass(frozen=True)
class MergeRow:
    list_id: str
    title: str
    round: str
    as_of: str
    due: str = ""
    master_path: str = ""
    master_sha256: str = ""
    output_path: str = ""
    output_sha256: str = ""
    units: int = 0
    returned: int = 0
    tasks: int = 0
    findings: int = 0
    figures: dict[str, Any] = field(default_factory=dict)
    source: str = "merge"
    merged_at: str = ""


@dataclass(frozen=True)
class FileRow:
    path: str
    size: int
    sha256: str
    unit_id: str
    unit: str
    list_id: str
    round: str
    report_date: str
    read_at: str
    outcome: str  # 采用 / 较早报送 / 未采用 / 重复 / 无法读取
    findings: tuple[str, ...] = ()


@dataclass(frozen=True)
class AnswerRow:
    unit_id: str
    unit: str
    task_id: str
    role: str
    values: dict[str, str]
    change: str = ""
    file: str = ""
    report_date: str = ""


def _now() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


def default_path(beside: str | Path) -> Path:
    """The record beside a master or merged workbook (or in a folder)."""
    p = Path(beside)
    return (p if p.is_dir() else p.parent) / RECORD_NAME


class Record:
    """An open record. Use :func:`open_record`; every method raises RecordError rather than sqlite3's errors."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self.conn = conn

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Record:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---------------------------------------------------------------------------------------------- writing
    @contextlib.contextmanager
    def merge(self) -> Iterator[MergeTx]:
        """One merge, one transaction: committed only when ``finish`` was called and the block ended normally."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise RecordError(str(exc)) from exc
        tx = MergeTx(self.conn, uuid.uuid4().hex)
        try:
            yield tx
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("ROLLBACK")
            raise
        if tx.finished:
            try:
                self.conn.execute("COMMIT")
            except sqlite3.Error as exc:
                with contextlib.suppress(sqlite3.Error):
                    self.conn.execute("ROLLBACK")
                raise RecordError(str(exc)) from exc
        else:
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("ROLLBACK")

    def mails(self, rows: Iterable[dict[str, str]]) -> int:
        """Mails drafted (.eml), sent or failed: at, kind, unit, to, subject, key, via, state, detail."""
        items = [
            (
                r.get("at") or _now(),
                r.get("kind", ""),
                r.get("unit", ""),
                r.get("to", ""),
                r.get("subject", ""),
                r.get("key", ""),
                r.get("via", ""),
                r.get("state", ""),
                r.get("detail", ""),
            )
            for r in rows
        ]
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.executemany(
                "INSERT INTO mails(at,kind,unit,to_addr,subject,key,via,state,detail) VALUES (?,?,?,?,?,?,?,?,?)",
                items,
            )
            self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("ROLLBACK")
            raise RecordError(str(exc)) from exc
        return len(items)

    # ---------------------------------------------------------------------------------------------- reading
    def rows(self, table: str, where: str = "", params: Sequence[object] = ()) -> list[dict[str, Any]]:
        if table not in _TABLES:
            raise ValueError(table)
        cur = self.conn.execute(f"SELECT * FROM {table} {where}", tuple(params))
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

    def counts(self) -> dict[str, int]:
        return {t: self.conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES}

    def has_output(self, sha256: str) -> bool:
        return self.conn.execute("SELECT 1 FROM merges WHERE output_sha256 = ?", (sha256,)).fetchone() is not None

    def latest_merges(self, list_id: str = "") -> list[dict[str, Any]]:
        """The last merge of each round (a round merged again as more returns came in counts once), by as-of."""
        merges = self.rows("merges", "ORDER BY merged_at, rowid")
        last: dict[tuple[str, str], dict[str, Any]] = {}
        for m in merges:
            if list_id and m["list_id"] != list_id:
                continue
            last.pop((m["list_id"], m["round"]), None)
            last[(m["list_id"], m["round"])] = m
        return sorted(last.values(), key=lambda m: (m["as_of"] or "", m["merged_at"] or ""))

    def state(self, list_id: str, current: str) -> RoundState | None:
        """Round N-1 from the record, for a master that carries no round state: the merged rounds before
        ``current``, their task statuses, and each unit's latest answers."""
        merges = [m for m in self.latest_merges(list_id) if m["round"] != current]
        if not merges:
            return None
        history: list[tuple[str, str, str]] = []
        carried: dict[tuple[str, str], Carried] = {}
        for m in merges:
            for t in self.rows("tasks", "WHERE merge_key = ? ORDER BY id", (m["merge_key"],)):
                history.append((m["round"], t["task_id"], t["status"]))
            for a in self.rows("answers", "WHERE merge_key = ? ORDER BY id", (m["merge_key"],)):
                carried[(a["unit_id"], a["task_id"])] = Carried(
                    a["unit_id"], a["task_id"], m["round"], *(a[f] or "" for f in FIELDS)
                )
        return RoundState(
            current,
            tuple(RoundInfo(m["round"], m["as_of"]) for m in merges),
            tuple(history),
            tuple(carried.values()),
        )


class MergeTx:
    """The rows of one merge, inside its transaction."""

    def __init__(self, conn: sqlite3.Connection, key: str) -> None:
        self.conn = conn
        self.key = key
        self.finished = False

    def _run(self, sql: str, items: list[tuple[object, ...]]) -> None:
        try:
            self.conn.executemany(sql, items)
        except sqlite3.Error as exc:
            raise RecordError(str(exc)) from exc

    def files(self, rows: Iterable[FileRow]) -> None:
        self._run(
            "INSERT INTO files(merge_key,path,size,sha256,unit_id,unit,list_id,round,report_date,read_at,outcome,"
            "findings) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                (
                    self.key,
                    f.path,
                    f.size,
                    f.sha256,
                    f.unit_id,
                    f.unit,
                    f.list_id,
                    f.round,
                    f.report_date,
                    f.read_at,
                    f.outcome,
                    json.dumps(list(f.findings), ensure_ascii=False),
                )
                for f in rows
            ],
        )

    def answers(self, round_label: str, rows: Iterable[AnswerRow]) -> None:
        self._run(
            "INSERT INTO answers(merge_key,round,unit_id,unit,task_id,role,status,progress,done_date,evidence,plan,"
            "lead_summary,change,file,report_date) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                (
                    self.key,
                    round_label,
                    a.unit_id,
                    a.unit,
                    a.task_id,
                    a.role,
                    *(a.values.get(f, "") for f in FIELDS),
                    a.change,
                    a.file,
                    a.report_date,
                )
                for a in rows
            ],
        )

    def tasks(self, round_label: str, rows: Iterable[tuple[str, str, bool]]) -> None:
        self._run(
            "INSERT INTO tasks(merge_key,round,task_id,status,overdue) VALUES (?,?,?,?,?)",
            [(self.key, round_label, t, s, int(o)) for t, s, o in rows],
        )

    def finish(self, m: MergeRow) -> None:
        """The merge row, last: a record holding a merge row holds all of that merge's rows."""
        row = asdict(m)
        row["figures"] = json.dumps(m.figures, ensure_ascii=False)
        row["merged_at"] = m.merged_at or _now()
        cols = ["merge_key", *row]
        self._run(
            f"INSERT INTO merges({','.join(cols)}) VALUES ({','.join('?' * len(cols))})",
            [(self.key, *row.values())],
        )
        _pause_point()
        self.finished = True


def _pause_point() -> None:
    """A test kills the process here (transaction open, every row written, nothing committed)."""
    marker = os.environ.get(PAUSE_ENV)
    if marker:
        Path(marker).write_text(str(os.getpid()), encoding="utf-8")
        time.sleep(600)


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), timeout=10, isolation_level=None)  # autocommit; transactions are explicit
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    for name, cols in _TABLES.items():
        conn.execute(f"CREATE TABLE IF NOT EXISTS {name}({cols})")
        for op in ("UPDATE", "DELETE"):
            conn.execute(
                f"CREATE TRIGGER IF NOT EXISTS {name}_no_{op.lower()} BEFORE {op} ON {name} "
                f"BEGIN SELECT RAISE(ABORT, '留痕库只能追加记录，不能修改或删除'); END"
            )
    conn.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', ?)", (SCHEMA_VERSION,))
    conn.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('created_at', ?)", (_now(),))
    conn.execute("PRAGMA quick_check").fetchone()
    return conn


def open_record(path: str | Path) -> tuple[Record, list[Finding]]:
    """Open (or create) the record. A file that is not a usable database is moved aside, never deleted, and a new
    record started; the findings say so. Raises RecordError only when no record can be written there at all."""
    p = Path(path)
    notes: list[Finding] = []
    if not p.exists():
        notes.append(findings.make("record-recreated", file=str(p), path=p.name, why="不存在"))
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        return Record(p, _connect(p)), notes
    except sqlite3.DatabaseError as exc:
        if isinstance(exc, sqlite3.OperationalError) and p.exists() and "locked" in str(exc):
            raise RecordError(str(exc)) from exc
        if not p.exists():
            raise RecordError(str(exc)) from exc
        aside = p.with_name(f"{p.stem}.损坏-{dt.datetime.now():%Y%m%d%H%M%S}{p.suffix}")
        try:
            p.replace(aside)
            for suffix in ("-wal", "-shm"):
                extra = p.with_name(p.name + suffix)
                if extra.exists():
                    extra.replace(aside.with_name(aside.name + suffix))
            notes.append(
                findings.make("record-recreated", file=str(p), path=p.name, why=f"已损坏（原文件改名为 {aside.name}）")
            )
            return Record(p, _connect(p)), notes
        except (OSError, sqlite3.Error) as exc2:
            raise RecordError(str(exc2)) from exc2
    except OSError as exc:
        raise RecordError(str(exc)) from exc


# ------------------------------------------------------------------------------------------------ timeline


@dataclass(frozen=True)
class Timeline:
    rounds: list[dict[str, Any]]
    entries: list[dict[str, Any]]
    files: list[dict[str, Any]]
    mails: list[dict[str, Any]]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _matches(query: str, *names: str) -> bool:
    return not query or any(query == n or (n and query in n) for n in names)


def timeline(rec: Record, task: str = "", unit: str = "") -> Timeline:
    """Rounds (the last merge of each), each unit's status per task per round with its mark, who reported when
    (late where the 填报日期 is after the round's due date), resends and refused files; and mails."""
    merges = rec.latest_merges()
    rounds, entries, files = [], [], []
    for m in merges:
        figures = json.loads(m["figures"] or "{}")
        rounds.append(
            {
                "round": m["round"],
                "as_of": m["as_of"],
                "due": m["due"],
                "merged_at": m["merged_at"],
                "returned": m["returned"],
                "units": m["units"],
                "tasks": m["tasks"],
                "figures": figures,
                "output": m["output_path"],
                "output_sha256": m["output_sha256"],
                "source": m["source"],
            }
        )
        due = m["due"] or ""
        for a in rec.rows("answers", "WHERE merge_key = ? ORDER BY id", (m["merge_key"],)):
            if not _matches(task, a["task_id"]) or not _matches(unit, a["unit"], a["unit_id"]):
                continue
            date = a["report_date"] or ""
            entries.append(
                {
                    "round": m["round"],
                    "task_id": a["task_id"],
                    "unit": a["unit"],
                    "role": a["role"],
                    "status": a["status"],
                    "change": a["change"],
                    "report_date": date,
                    "late": bool(due and date and _iso(date) and _iso(date) > _iso(due)),
                    "file": Path(a["file"]).name if a["file"] else "",
                }
            )
        per_unit: dict[str, int] = {}
        rows = rec.rows("files", "WHERE merge_key = ? ORDER BY id", (m["merge_key"],))
        for f in rows:
            if f["unit_id"]:
                per_unit[f["unit_id"]] = per_unit.get(f["unit_id"], 0) + 1
        for f in rows:
            if not _matches(unit, f["unit"] or "", f["unit_id"] or "") or (unit and not f["unit"]):
                continue
            files.append(
                {
                    "round": m["round"],
                    "file": f["path"],
                    "unit": f["unit"],
                    "file_round": f["round"],
                    "report_date": f["report_date"],
                    "outcome": f["outcome"],
                    "resend": per_unit.get(f["unit_id"], 0) > 1,
                    "late": bool(due and f["report_date"] and _iso(f["report_date"]) > _iso(due)),
                    "sha256": f["sha256"],
                    "findings": json.loads(f["findings"] or "[]"),
                }
            )
    mails = [
        {k: r[k] for k in ("at", "kind", "unit", "to_addr", "subject", "state")}
        for r in rec.rows("mails", "ORDER BY id")
        if _matches(unit, r["unit"] or "") and not task
    ]
    return Timeline(rounds, entries, files, mails)


def _iso(text: str) -> str:
    """A date as sortable text (the due date may be written 2022年11月30日)."""
    t = str(text).strip()
    for sep in ("年", "月"):
        t = t.replace(sep, "-")
    t = t.replace("日", "").replace("/", "-").replace(".", "-")
    parts = t.split("-")
    try:
        return dt.date(int(parts[0]), int(parts[1]), int(parts[2][:2])).isoformat()
    except (ValueError, IndexError):
        return ""
