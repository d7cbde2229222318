"""What the Windows bundle and the Linux wheelhouses share: the project's wheel, every dependency's wheel for a
platform that is not this machine's (``pip download --platform``), and archives that come out byte-identical from
the same checkout (sorted entries, one timestamp, fixed permissions).

pip evaluates environment markers for the machine it runs on, not for ``--platform``: from Linux it skips
``pywin32; platform_system == "Windows"``. :func:`missing_requirements` reads every downloaded wheel's metadata
and evaluates its markers for the target, so a dependency only the target needs is fetched too, and a test can
show that the set is closed.
"""

from __future__ import annotations

import email.parser
import io
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename
from packaging.version import Version

__all__ = ["CACHE", "DIST", "ROOT", "Target", "log", "parse_wheel_filename"]

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
#: Downloads are kept here between runs (CI reruns and local rebuilds do not fetch again).
CACHE = Path(os.environ.get("ZWGK_OFFLINE_CACHE") or Path.home() / ".cache" / "zwgk-offline")
#: Exact versions of every dependency, so that a rebuild from the same checkout holds the same files.
PINS = Path(__file__).resolve().parent / "offline-pins.txt"


@dataclass(frozen=True)
class Target:
    """A platform to download wheels for, and the marker environment pip would see running there."""

    name: str
    platforms: tuple[str, ...]
    python: str  # "3.13"

    def environment(self) -> dict[str, str]:
        env: dict[str, str] = {k: str(v) for k, v in default_environment().items()}
        windows = self.platforms[0].startswith("win")
        machine = "AMD64" if windows else self.platforms[0].split("_", 3)[-1]
        env.update(
            python_version=self.python,
            python_full_version=f"{self.python}.0",
            implementation_name="cpython",
            platform_python_implementation="CPython",
            sys_platform="win32" if windows else "linux",
            platform_system="Windows" if windows else "Linux",
            os_name="nt" if windows else "posix",
            platform_machine=machine,
        )
        return env


def log(message: str) -> None:
    print(message, flush=True)


def source_date() -> int:
    """The archives' one timestamp: SOURCE_DATE_EPOCH, else the checkout's last commit, else a fixed date."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return int(os.environ["SOURCE_DATE_EPOCH"])
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout
        return int(out.strip())
    except (OSError, subprocess.CalledProcessError, ValueError):
        return 1_640_995_200  # 2022-01-01


def project_wheel(dest: Path) -> Path:
    """Build zwgk_xl's wheel from the checkout (pip's isolated build: setuptools comes from the index)."""
    dest.mkdir(parents=True, exist_ok=True)
    for old in dest.glob("zwgk_xl-*.whl"):
        old.unlink()
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(source_date())}
    # from a copy: setuptools writes build/ and *.egg-info into the tree it builds
    src = fresh(dest.parent / "project-src")
    skip = shutil.ignore_patterns(".git", ".venv", "dist", "build", "*.egg-info", "__pycache__", ".*_cache", "demo_out")
    for name in ("pyproject.toml", "README.md", "LICENSE", "zwgk_xl"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=skip)
        elif (ROOT / name).exists():
            shutil.copyfile(ROOT / name, src / name)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-qq", "--no-deps", "-w", str(dest), str(src)],
        check=True,
        env=env,
    )
    (wheel,) = dest.glob("zwgk_xl-*.whl")
    return wheel


def pip_download(requirements: Iterable[str], target: Target, dest: Path, no_deps: bool = False) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "pip", "download", "-qq", "--only-binary=:all:", "--python-version", target.python]
    cmd += ["--implementation", "cp", "-d", str(dest)]
    for p in target.platforms:
        cmd += ["--platform", p]
    if PINS.exists():
        cmd += ["-c", str(PINS)]
    if no_deps:
        cmd.append("--no-deps")
    subprocess.run([*cmd, *requirements], check=True)


def pins() -> dict[str, str]:
    """Canonical name → pinned version, from tools/offline-pins.txt."""
    out: dict[str, str] = {}
    for line in PINS.read_text(encoding="utf-8").splitlines() if PINS.exists() else []:
        if "==" in line and not line.lstrip().startswith("#"):
            name, version = line.split("#")[0].strip().split("==")
            out[canonicalize_name(name)] = version.strip()
    return out


def wheels(folder: Path) -> dict[str, Path]:
    """Canonical project name → wheel file in ``folder``: the pinned version, else the newest (the cache keeps the
    wheels of earlier pins too)."""
    pinned = pins()
    out: dict[str, tuple[Version, Path]] = {}
    for w in folder.glob("*.whl"):
        name, version, _, _ = parse_wheel_filename(w.name)
        if name in pinned and version != Version(pinned[name]):
            continue
        if name not in out or version > out[name][0]:
            out[name] = (version, w)
    return {k: v[1] for k, v in out.items()}


def metadata(wheel: Path) -> email.message.Message:
    with zipfile.ZipFile(wheel) as z:
        name = next(n for n in z.namelist() if re.fullmatch(r"[^/]+\.dist-info/METADATA", n))
        return email.parser.BytesParser().parsebytes(z.read(name))


def missing_requirements(folder: Path, target: Target, roots: Iterable[str]) -> list[str]:
    """Requirements that the target needs (markers evaluated for it, extras followed) and ``folder`` lacks."""
    have = wheels(folder)
    env = target.environment()
    todo = [Requirement(r) for r in roots]
    seen: set[tuple[str, frozenset[str]]] = set()
    missing: list[str] = []
    while todo:
        req = todo.pop()
        key = (canonicalize_name(req.name), frozenset(req.extras))
        if key in seen:
            continue
        seen.add(key)
        wheel = have.get(key[0])
        if wheel is None:
            missing.append(str(req))
            continue
        for line in metadata(wheel).get_all("Requires-Dist") or []:
            dep = Requirement(line)
            extras = req.extras or {""}
            if dep.marker is None or any(dep.marker.evaluate({**env, "extra": e}) for e in extras):
                todo.append(Requirement(str(dep).split(";")[0]))
    return sorted(set(missing))


def download_closure(requirements: list[str], roots: list[str], target: Target, dest: Path) -> dict[str, Path]:
    """Every wheel the target needs in ``dest``: pip's resolution, then what the target's markers add."""
    pip_download(requirements, target, dest)
    for _ in range(5):
        missing = missing_requirements(dest, target, roots)
        if not missing:
            return wheels(dest)
        log(f"  {target.name} 另需（依赖标记只在目标平台成立）：{', '.join(missing)}")
        pip_download(missing, target, dest)
    raise RuntimeError(f"{target.name}: dependencies still missing: {missing_requirements(dest, target, roots)}")


def unpack_wheel(wheel: Path, dest: Path, skip: re.Pattern[str] | None = None) -> int:
    """Install a wheel by unpacking it (what pip does, without scripts): ``*.data/purelib|platlib`` merge into
    ``dest``. Returns the bytes written."""
    total = 0
    with zipfile.ZipFile(wheel) as z:
        for info in z.infolist():
            name = info.filename
            if info.is_dir():
                continue
            m = re.match(r"[^/]+\.data/([^/]+)/(.*)", name)
            if m:
                if m.group(1) not in ("purelib", "platlib"):
                    continue
                name = m.group(2)
            if skip and skip.search(name):
                continue
            out = dest / name
            out.parent.mkdir(parents=True, exist_ok=True)
            data = z.read(info)
            out.write_bytes(data)
            total += len(data)
    return total


def _walk(root: Path) -> list[Path]:
    return sorted((p for p in root.rglob("*") if p.is_file()), key=lambda p: p.relative_to(root).as_posix())


def deterministic_zip(folder: Path, archive: Path, prefix: str) -> None:
    """Zip ``folder`` as ``prefix/…``: sorted names, one timestamp, UTF-8 names flagged (Chinese file names read
    back right in Windows Explorer 8+, 7-Zip, 360压缩, Bandizip)."""
    t = time.gmtime(max(source_date(), 315_532_800))
    stamp = (t.tm_year, t.tm_mon, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec)
    tmp = archive.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for p in _walk(folder):
            info = zipfile.ZipInfo(f"{prefix}/{p.relative_to(folder).as_posix()}", date_time=stamp)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            z.writestr(info, p.read_bytes(), compresslevel=9)
    tmp.replace(archive)


def deterministic_tar(folder: Path, archive: Path, prefix: str, executable: Iterable[str] = ()) -> None:
    """A .tar.gz of ``folder`` under ``prefix/``, byte-identical for the same files."""
    import gzip

    stamp = source_date()
    exe = set(executable)
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for p in _walk(folder):
            rel = p.relative_to(folder).as_posix()
            info = tarfile.TarInfo(f"{prefix}/{rel}")
            data = p.read_bytes()
            info.size, info.mtime, info.mode = len(data), stamp, 0o755 if rel in exe else 0o644
            info.uname = info.gname = "root"
            tar.addfile(info, io.BytesIO(data))
    tmp = archive.with_suffix(".tmp")
    with open(tmp, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=stamp, compresslevel=9) as gz:
        gz.write(buf.getvalue())
    tmp.replace(archive)


def human(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.1f} {unit}" if unit != "B" else f"{int(n)} B"
        n /= 1024
    return str(n)


def fresh(folder: Path) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    return folder
