"""`make wheelhouse`: dist/zwgk-linux-{x86_64,aarch64}.tar.gz, an offline install for 统信 UOS / 麒麟 (信创) PCs.

Each holds the project's wheel, every dependency's manylinux wheel for that machine and for CPython 3.11, 3.12
and 3.13 (whichever the PC has), the sample list and roster, and ``install.sh``: a venv with
``pip install --no-index --find-links wheels``, so nothing is fetched. The wheels are manylinux_2_28 at most:
UOS 20 and Kylin V10 ship glibc 2.28.

Neither system's own python3 is new enough (UOS 20: 3.7, Kylin V10: 3.8); install.sh says so in Chinese and
names what to install. A platform without manylinux wheels for every dependency (loongarch64, mips64el: numpy,
pandas, lxml, pydantic-core and python-calamine publish none) cannot use a wheelhouse: README says what to do.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import offline
from offline import CACHE, DIST, ROOT, Target, log

PYTHONS = ("3.11", "3.12", "3.13")
GLIBC = ("manylinux_2_28", "manylinux_2_27", "manylinux_2_26", "manylinux_2_17", "manylinux2014")
ARCHES = ("x86_64", "aarch64")
SAMPLES = ("shangyu_2022_tasklist.txt", "shangyu_roster.csv", "haishu_2021_tasklist.txt", "haishu_roster.csv")

INSTALL = r"""#!/bin/sh
# 离线安装 zwgk（政务公开重点任务清单工具），不联网：sh install.sh [安装目录，默认 ~/zwgk]
set -e
here=$(cd "$(dirname "$0")" && pwd)
dest=${1:-$HOME/zwgk}
py=${PYTHON:-}
if [ -z "$py" ]; then
  for c in python3.13 python3.12 python3.11 python3; do
    if command -v "$c" >/dev/null 2>&1 && "$c" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      py=$c; break
    fi
  done
fi
if [ -z "$py" ]; then
  echo "错误：需要 Python 3.11、3.12 或 3.13，本机没有找到（统信 UOS 20 自带 3.7，麒麟 V10 自带 3.8）。" >&2
  echo "请让信息科从系统软件源安装 python3.11（或更高版本）及其 venv 模块，" >&2
  echo "或用 PYTHON=/路径/python3.11 sh install.sh 指定。" >&2
  exit 1
fi
if ! "$py" -m venv --help >/dev/null 2>&1; then
  echo "错误：$py 缺少 venv 模块，请安装对应的 python3-venv 软件包。" >&2
  exit 1
fi
echo "使用 $("$py" -c 'import sys; print(sys.executable, sys.version.split()[0])') 安装到 $dest"
"$py" -m venv "$dest"
"$dest/bin/python" -m pip install --quiet --no-index --find-links "$here/wheels" zwgk_xl
mkdir -p "$dest/workbooks"
cp "$here"/workbooks/* "$dest/workbooks/"
echo "安装完成。使用：$dest/bin/zwgk --help"
echo "演示完整流程：$dest/bin/python -m zwgk_xl.demo ~/zwgk演示"
"""

README = """zwgk 离线安装包（统信 UOS / 麒麟，{arch}）
1. 解压：tar xzf zwgk-linux-{arch}.tar.gz
2. 安装（不联网，不需要管理员权限）：sh zwgk-linux-{arch}/install.sh   （默认装到 ~/zwgk）
3. 使用：~/zwgk/bin/zwgk --help
需要 Python 3.11–3.13；没有时 install.sh 会说明怎么办。WPS 用户用 zwgk run 控制工作簿.xlsm 代替 Excel 按钮。
"""


def target(arch: str, python: str) -> Target:
    return Target(f"linux_{arch}-cp{python.replace('.', '')}", tuple(f"{g}_{arch}" for g in GLIBC), python)


def build(arch: str, cache: Path = CACHE, out_dir: Path = DIST) -> Path:
    wheel = offline.project_wheel(cache / "project")
    version = str(offline.parse_wheel_filename(wheel.name)[1])
    stage = offline.fresh(cache / f"stage-linux-{arch}" / f"zwgk-linux-{arch}")
    wheels = stage / "wheels"
    wheels.mkdir()
    for python in PYTHONS:
        t = target(arch, python)
        folder = cache / f"wheels-{t.name}"
        for old in folder.glob("zwgk_xl-*.whl"):
            old.unlink()
        log(f"  {t.name}")
        have = offline.download_closure([str(wheel)], [f"zwgk_xl=={version}"], t, folder)
        for w in have.values():
            shutil.copyfile(w, wheels / w.name)
    (stage / "install.sh").write_text(INSTALL, encoding="utf-8")
    (stage / "使用说明.txt").write_text(README.format(arch=arch), encoding="utf-8")
    (stage / "workbooks").mkdir()
    for s in SAMPLES:
        shutil.copyfile(ROOT / "zwgk_xl" / "samples" / s, stage / "workbooks" / s)
    out_dir.mkdir(parents=True, exist_ok=True)
    archive = out_dir / f"zwgk-linux-{arch}.tar.gz"
    offline.deterministic_tar(stage, archive, stage.name, executable=["install.sh"])
    names = sorted(p.name for p in wheels.iterdir())
    log(f"{archive}：{offline.human(archive.stat().st_size)}，{len(names)} 个 wheel（CPython {'、'.join(PYTHONS)}）")
    for n in names:
        log(f"    {n}")
    return archive


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("arch", nargs="*", help="x86_64 / aarch64 (default both)")
    parser.add_argument("--cache", type=Path, default=CACHE)
    parser.add_argument("-o", "--output", type=Path, default=DIST)
    args = parser.parse_args(argv)
    for arch in args.arch or ARCHES:
        if arch not in ARCHES:
            parser.error(f"unknown machine {arch}: {', '.join(ARCHES)}")
        log(f"{arch}：")
        build(arch, args.cache, args.output)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
