"""Workbooks that arrive inside something else: a .zip/.7z a unit packed its return in, a saved mail (.eml/.msg)
with the return attached. Everything is read in memory (nothing is unpacked to disk, so a member named
``../../x`` cannot land anywhere) and bounded: members counted, sizes checked against what the archive declares
and against what was actually inflated. Each opener returns the members that may be workbooks, by a display name
that keeps only the harmless parts of the name inside the container.
"""

from __future__ import annotations

import email
import email.policy
import io
import posixpath
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

#: Suffixes opened as containers, and what each is called in a finding.
KINDS = {
    ".zip": "压缩包",
    ".7z": "7z 压缩包",
    ".rar": "RAR 压缩包",
    ".eml": "邮件文件",
    ".msg": "Outlook 邮件文件",
}
MAX_MEMBERS = 200
MAX_MEMBER_BYTES = 100 * 2**20
MAX_TOTAL_BYTES = 300 * 2**20
#: A container inside a container (a zip attached to a mail) is opened; one deeper is named, not opened.
MAX_DEPTH = 2


class Refused(Exception):
    """A container that cannot or may not be opened here; the message is the Chinese reason."""


@dataclass
class Opened:
    members: list[tuple[str, bytes]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # members that are neither workbooks nor containers

    def add(self, name: str, data: bytes, wanted: Callable[[str], bool]) -> None:
        if not wanted(name):
            self.skipped.append(name)
            return
        if len(self.members) >= MAX_MEMBERS:
            raise Refused(f"其中文件超过 {MAX_MEMBERS} 个")
        if len(data) > MAX_MEMBER_BYTES or sum(len(d) for _, d in self.members) + len(data) > MAX_TOTAL_BYTES:
            raise Refused("解压后过大，为安全起见未读取")
        self.members.append((name, data))


def safe_name(name: str) -> str:
    """The member's name as a relative path with no empty, '.' or '..' parts and forward slashes only."""
    parts = [p for p in name.replace("\\", "/").split("/") if p not in ("", ".", "..")]
    return "/".join(parts) or "（无名文件）"


def _zip_name(info: zipfile.ZipInfo) -> str:
    """A zip made on Chinese Windows stores GBK names without the UTF-8 flag; zipfile reads them as CP437."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _zip(data: bytes, wanted: Callable[[str], bool]) -> Opened:
    out = Opened()
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        infos = [i for i in z.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise Refused("压缩包已损坏，无法打开") from exc
    if len(infos) > MAX_MEMBERS * 5:
        raise Refused(f"其中文件超过 {MAX_MEMBERS} 个")
    for info in infos:
        name = safe_name(_zip_name(info))
        if not wanted(name):
            out.skipped.append(name)
            continue
        if info.flag_bits & 1:
            raise Refused("压缩包设置了密码")
        if info.file_size > MAX_MEMBER_BYTES:
            raise Refused("解压后过大，为安全起见未读取")
        try:
            with z.open(info) as f:
                member = f.read(MAX_MEMBER_BYTES + 1)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
            raise Refused(f"其中的“{name}”已损坏或压缩方式不受支持") from exc
        out.add(name, member, wanted)
    return out


def _7z(data: bytes, wanted: Callable[[str], bool]) -> Opened:
    try:
        import py7zr
    except ImportError as exc:  # an optional dependency (pip install "zwgk_xl[archives]")
        raise Refused("本机未安装 7z 解压组件 py7zr") from exc
    out = Opened()
    try:
        with py7zr.SevenZipFile(io.BytesIO(data)) as z:
            if z.needs_password():
                raise Refused("压缩包设置了密码")
            infos = [i for i in z.list() if not i.is_directory]
            if len(infos) > MAX_MEMBERS * 5:
                raise Refused(f"其中文件超过 {MAX_MEMBERS} 个")
            names = []
            for i in infos:
                if not wanted(safe_name(i.filename)):
                    out.skipped.append(safe_name(i.filename))
                elif i.uncompressed > MAX_MEMBER_BYTES:
                    raise Refused("解压后过大，为安全起见未读取")
                else:
                    names.append(i.filename)
            if sum(i.uncompressed for i in infos if i.filename in names) > MAX_TOTAL_BYTES:
                raise Refused("解压后过大，为安全起见未读取")
            for name, f in _7z_read(z, names).items():
                f.seek(0)
                out.add(safe_name(name), f.read(MAX_MEMBER_BYTES + 1), wanted)
    except Refused:
        raise
    except Exception as exc:  # py7zr raises many kinds for a damaged archive
        raise Refused("压缩包已损坏，无法打开") from exc
    return out


def _7z_read(z: Any, names: list[str]) -> dict[str, Any]:
    """The named members in memory: py7zr 1.x writes them through a factory of bounded buffers, older versions
    return them from read()."""
    if not names:
        return {}
    if hasattr(z, "read"):
        return dict(z.read(names) or {})
    from py7zr.io import BytesIOFactory

    factory = BytesIOFactory(MAX_MEMBER_BYTES + 1)
    z.extract(targets=names, factory=factory)
    return dict(factory.products)


def _eml(data: bytes, wanted: Callable[[str], bool]) -> Opened:
    out = Opened()
    msg = email.message_from_bytes(data, policy=email.policy.default)
    for n, part in enumerate(msg.walk()):
        if n > MAX_MEMBERS * 5:
            break
        name = part.get_filename()
        if not name or part.is_multipart():
            continue
        try:
            got = part.get_payload(decode=True)
            payload = got if isinstance(got, bytes) else b""
        except Exception:  # a damaged transfer encoding
            payload = b""
        out.add(safe_name(str(name)), payload, wanted)
    return out


#: Attachment name properties of a .msg: long then short name, Unicode (001F) then ANSI (001E, GBK in China).
NAME_PROPERTIES = (("3707001F", "utf-16-le"), ("3704001F", "utf-16-le"), ("3707001E", "gbk"), ("3704001E", "gbk"))


def _msg(data: bytes, wanted: Callable[[str], bool]) -> Opened:
    """Outlook's .msg is an OLE compound file: each attachment is a storage ``__attach_version1.0_#…`` holding
    its bytes (property 3701, binary) and its long or short file name (3707 / 3704, Unicode or ANSI)."""
    try:
        import olefile
    except ImportError as exc:
        raise Refused("本机未安装 Outlook 邮件读取组件 olefile") from exc
    out = Opened()
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception as exc:
        raise Refused("邮件文件已损坏，无法打开") from exc
    with ole:
        storages = sorted({e[0] for e in ole.listdir() if e and e[0].startswith("__attach_version1.0_#")})
        for storage in storages[: MAX_MEMBERS * 5]:

            def stream(prop: str, st: str = storage) -> bytes | None:
                path = f"{st}/__substg1.0_{prop}"
                if not ole.exists(path) or ole.get_size(path) > MAX_MEMBER_BYTES:
                    return None
                return ole.openstream(path).read()

            name = ""
            for prop, enc in (
                ("3707001F", "utf-16-le"),
                ("3704001F", "utf-16-le"),
                ("3707001E", "gbk"),
                ("3704001E", "gbk"),
            ):
                raw = stream(prop)
                if raw:
                    name = raw.decode(enc, "replace").rstrip("\x00")
                    break
            payload = stream("37010102")
            if payload is not None:
                out.add(safe_name(name or storage), payload, wanted)
    return out


def _rar(data: bytes, wanted: Callable[[str], bool]) -> Opened:
    raise Refused("RAR 格式需要专有的解压程序，本工具不能打开")


OPENERS: dict[str, Callable[[bytes, Callable[[str], bool]], Opened]] = {
    ".zip": _zip,
    ".7z": _7z,
    ".rar": _rar,
    ".eml": _eml,
    ".msg": _msg,
}


def suffix(name: str) -> str:
    return PurePosixPath(name).suffix.lower()


def open_container(name: str, data: bytes, wanted: Callable[[str], bool]) -> Opened:
    """The members of a container that ``wanted`` accepts (by name), bounded; Refused with a Chinese reason."""
    try:
        return OPENERS[suffix(name)](data, wanted)
    except Refused:
        raise
    except Exception as exc:  # whatever a damaged container makes a library raise
        raise Refused("文件已损坏，无法打开") from exc


def join(container: str, member: str) -> str:
    return posixpath.join(container, member)
