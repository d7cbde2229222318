# 两条命令：make demo 运行完整流程，make test 运行测试。两者都会在缺少 .venv 时自动创建并安装依赖。
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO := demo_out

.PHONY: demo test lint format clean soffice bench addin bundle wheelhouse wine test-offline

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m zwgk_xl.demo $(DEMO)

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m pytest

# LibreOffice (Calc for the workbooks, Writer for the Word documents) for the rendering tests; installed where
# missing (CI runs as root).
soffice:
	@{ command -v soffice >/dev/null 2>&1 && test -e /usr/lib/libreoffice/program/libswlo.so; } || \
	  { command -v apt-get >/dev/null 2>&1 && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	   libreoffice-calc-nogui libreoffice-writer-nogui poppler-utils fonts-noto-cjk >/dev/null) || \
	  echo "LibreOffice 未安装，相关测试将跳过"; }

lint:
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format:
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

# The Excel control workbook and ribbon add-in, built from xlwings' templates (no Excel needed).
addin: $(STAMP)
	$(BIN)/zwgk addin -o excel

# Offline installs (issue 19): the Windows zip and the Linux wheelhouses, built on Linux from this checkout.
bundle: $(STAMP)
	$(BIN)/python tools/bundle.py

wheelhouse: $(STAMP)
	$(BIN)/python tools/wheelhouse.py

# Wine and mingw-w64 for running the Windows bundle in test-offline; installed where missing (CI runs as root).
wine:
	@command -v wine >/dev/null 2>&1 && command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 || { \
	  command -v apt-get >/dev/null 2>&1 && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install \
	  -y -qq wine wine64 gcc-mingw-w64-x86-64 osslsigncode >/dev/null) || echo "Wine 未安装，免安装包测试将跳过"; }

# The slow tests left out of `make test`: build the bundle and wheelhouse, run them (Wine, a fresh venv).
test-offline: $(STAMP)
	$(BIN)/python -m pytest -m offline tests/test_offline.py

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py $(N)

clean:
	rm -rf $(DEMO) .pytest_cache dist
