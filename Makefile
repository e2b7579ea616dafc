# Samenbieb — two commands for a new user:
#   make run    set up everything, build the demo network and serve it on http://127.0.0.1:8000
#   make test   run the whole test suite (SQLite, then PostgreSQL when it is reachable)

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
SAMENBIEB := $(BIN)/samenbieb
STAMP := $(VENV)/.installed
AXE := .cache/vendor/axe.min.js
AXE_VERSION := 4.14.1
HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/samenbieb
# `make run` writes mail into this folder instead of sending it (no mail server needed).
MAIL_DIR ?= $(or $(SAMENBIEB_DATA_DIR),data)/mail
# Test processes (pytest-xdist): one per core by default; PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= auto

.PHONY: run test setup lint typecheck audit test-sqlite test-postgres messages browser clean

run: setup
	$(SAMENBIEB) migrate --noinput -v0
	$(SAMENBIEB) collectstatic --noinput -v0
	$(SAMENBIEB) demo
	$(SAMENBIEB) cockpit-demo
	SAMENBIEB_MAIL_DIR=$(MAIL_DIR) $(SAMENBIEB) serve --host $(HOST) --port $(PORT)

test: setup browser lint typecheck audit
	$(SAMENBIEB) makemigrations --check --dry-run
	$(MAKE) --no-print-directory test-sqlite
	@scripts/postgres-available && $(MAKE) --no-print-directory test-postgres || \
	  { if [ "$$CI" = "true" ]; then echo "PostgreSQL expected in CI but not reachable at 127.0.0.1:5432" >&2; exit 1; \
	    else echo "PostgreSQL not reachable at 127.0.0.1:5432: skipped the PostgreSQL run"; fi; }

test-sqlite:
	@echo "== tests on SQLite =="
	env -u DATABASE_URL $(BIN)/pytest -p no:cacheprovider -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

test-postgres:
	@echo "== tests on PostgreSQL =="
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -p no:cacheprovider -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

setup: $(STAMP) messages $(AXE)

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Samenbieb needs $(PYTHON): install Python 3.11" >&2; exit 1; }
	@command -v msgfmt >/dev/null || scripts/apt-install gettext
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

messages: $(STAMP)
	cd samenbieb && ../$(SAMENBIEB) compilemessages -v0

$(AXE):
	@command -v npm >/dev/null || scripts/apt-install npm
	mkdir -p .cache/npm $(dir $(AXE))
	npm install --silent --no-audit --no-fund --prefix .cache/npm axe-core@$(AXE_VERSION)
	cp .cache/npm/node_modules/axe-core/axe.min.js $(AXE)

browser:
	@command -v chromium >/dev/null || scripts/apt-install chromium

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Known vulnerabilities in the installed dependencies; says plainly what it could not check
# (SAMENBIEB_AUDIT_STRICT=1 makes an incomplete audit fail). See docs/security.md.
audit: $(STAMP)
	$(BIN)/python scripts/dependency-audit

typecheck: $(STAMP)
	$(BIN)/mypy samenbieb

clean:
	rm -rf $(VENV) .cache data samenbieb.egg-info
