# wasmforge: set-up, tests, benchmarks and the demo.
#   make demo    create .venv, install wasmforge, find (or, as root on Debian, install) Rust with the
#                wasm32-unknown-unknown target, build two example crates into Python packages, call
#                them, profile one (examples/demo.py tells the steps)
#   make test    create/update .venv and run the whole test suite
# Both can be run again at any time; they only redo what changed.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# Python >= 3.11 to build the virtual environment with: the first of these that runs and is new enough.
ifeq ($(origin PYTHON),undefined)
PYTHON := $(shell for p in python3.11 python3.12 python3.13 python3; do \
  "$$p" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 && { command -v "$$p"; break; }; \
  done)
endif
VENV := .venv
PY := $(VENV)/bin/python
WASMFORGE := $(VENV)/bin/wasmforge
# Written after a successful install; pip runs again only when pyproject.toml is newer.
STAMP := $(VENV)/.wasmforge-installed
PIP_EXTRAS := test,bench
PYTEST_ARGS ?=

# Debian's Rust with the prebuilt wasm32 standard library (Rust 1.63 on Debian 12).
APT_RUST := rustc cargo libstd-rust-dev-wasm32 lld
# Set to 1 to let `make demo` run `rustup target add wasm32-unknown-unknown` for rustup toolchains.
RUSTUP_ADD_TARGET ?=
DEMO_DIR := target/demo

IS_ROOT := $(shell [ "$$(id -u)" = 0 ] && echo yes)
HAS_APT := $(shell command -v apt-get >/dev/null 2>&1 && echo yes)
APT_INSTALL := DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends

.PHONY: help venv toolchain toolchains demo test bench clean distclean

help:
	@echo "make demo       set up .venv and a Rust toolchain, build example crates into Python packages, call and profile them"
	@echo "make test       set up .venv and run the tests (PYTEST_ARGS='-k add' to pick some)"
	@echo "make toolchains install Debian's Rust 1.96 with the wasm32 target beside the system's Rust (cached)"
	@echo "make bench      run every bench/*.py"
	@echo "make clean      remove build outputs and caches (keeps .venv); distclean also removes .venv"

venv: $(STAMP)

$(STAMP): pyproject.toml
	@"$(PYTHON)" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  echo "error: wasmforge needs Python >= 3.11; found none (PYTHON='$(PYTHON)')" >&2; \
	  echo "hint: install python3.11 or run 'make PYTHON=/path/to/python3.11 ...'" >&2; exit 1; }
	@if [ -x $(PY) ] && ! $(PY) -m pip --version >/dev/null 2>&1; then $(PY) -m ensurepip --upgrade >/dev/null 2>&1 || true; fi
	@if [ ! -x $(PY) ]; then \
	  echo "==> creating $(VENV) with $(PYTHON)"; \
	  if ! $(PYTHON) -m venv $(VENV) 2>/dev/null; then \
	    rm -rf $(VENV); \
	    if [ "$(IS_ROOT)" = yes ] && [ "$(HAS_APT)" = yes ]; then \
	      echo "==> installing python3-venv (Debian's python lacks ensurepip without it)"; \
	      apt-get update -q && $(APT_INSTALL) python3-venv </dev/null; \
	      $(PYTHON) -m venv $(VENV); \
	    else \
	      echo "error: '$(PYTHON) -m venv' failed" >&2; \
	      echo "hint: sudo apt-get install python3-venv" >&2; exit 1; \
	    fi; \
	  fi; \
	fi
	@$(PY) -m pip --version >/dev/null 2>&1 || { \
	  echo "error: $(VENV) has no pip" >&2; echo "hint: make distclean, then run this again" >&2; exit 1; }
	@echo "==> installing wasmforge[$(PIP_EXTRAS)] into $(VENV)"
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[$(PIP_EXTRAS)]'
	@touch $@

# A cargo/rustc pair with the wasm32 target: found, or (root on Debian) installed with apt.
toolchain: $(STAMP)
	@if [ -n "$(RUSTUP_ADD_TARGET)" ]; then $(WASMFORGE) doctor --add-target >/dev/null || true; fi
	@if $(PY) -c 'from wasmforge.build.toolchain import find; find()' >/dev/null 2>&1; then \
	  :; \
	elif [ "$(IS_ROOT)" = yes ] && [ "$(HAS_APT)" = yes ]; then \
	  echo "==> no Rust toolchain with wasm32-unknown-unknown; installing Debian's: $(APT_RUST)"; \
	  apt-get update -q && $(APT_INSTALL) $(APT_RUST) </dev/null; \
	else \
	  $(WASMFORGE) doctor || true; \
	  echo "error: no Rust toolchain with the wasm32-unknown-unknown target" >&2; \
	  echo "hint: sudo apt-get install $(APT_RUST), or 'rustup target add wasm32-unknown-unknown'" \
	       "(or 'make demo RUSTUP_ADD_TARGET=1')" >&2; \
	  exit 1; \
	fi

# Debian's Rust 1.96 (rustc-web) with a wasm32 standard library built from its sources, unpacked
# into ~/.cache/wasmforge/toolchains (or $$WASMFORGE_TOOLCHAINS); a no-op once it is there.
# Only where apt-get exists; elsewhere the system's (or rustup's) toolchain is all there is.
toolchains:
	@if command -v apt-get >/dev/null 2>&1 && command -v dpkg >/dev/null 2>&1; then \
	  scripts/modern-rust.sh; \
	else \
	  echo "==> no apt-get here: skipping Debian's Rust 1.96 (rustup users: rustup target add wasm32-unknown-unknown)"; \
	fi

demo: toolchain toolchains
	@$(PY) examples/demo.py $(DEMO_DIR)

# pytest's exit status 5 means it collected no tests: report it instead of letting it pass as "ok".
test: $(STAMP)
	@status=0; $(PY) -m pytest $(PYTEST_ARGS) || status=$$?; \
	if [ $$status -eq 5 ]; then echo "error: pytest collected no tests" >&2; fi; \
	exit $$status

bench: $(STAMP)
	@shopt -s nullglob; scripts=(bench/*.py); \
	if [ $${#scripts[@]} -eq 0 ]; then echo "no bench/*.py scripts yet"; exit 0; fi; \
	for script in "$${scripts[@]}"; do echo "==> $$script"; $(PY) "$$script"; done

clean:
	rm -rf target examples/*/target .pytest_cache .mypy_cache .hypothesis
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
