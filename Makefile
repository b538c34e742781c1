# Two commands: `make run` (set up, migrate, demo data, serve) and `make test` (set up, whole suite).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
# Without SMTP_HOST, `make run` sends mail to a local catcher on this port (read at /admin/mail):
# 1025 for PORT=5000, and one of its own for each copy run side by side (PORT=5001: 1026).
MAIL_CATCHER_PORT ?= $(shell echo $$((1025 + $(PORT) % 1000)))
ECABINET_INSTANCE ?= $(CURDIR)/instance
export ECABINET_INSTANCE
# The second test pass: the same suite against the local PostgreSQL server (and Redis, always).
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/ecabinet_test
# Each pass runs on one process per core (pytest-xdist), a test file per process at a time
# (a file's fixtures are built once); PYTEST_SPLIT= runs it in one process.
PYTEST_SPLIT ?= -n auto --dist loadfile
# The browser tests' demo data, made once for all the passes of one `make test`.
TEST_DEMO_DIR := $(CURDIR)/build/test-demo

.PHONY: setup run test lint test-deps translations extract-messages clean

setup: $(VENV)/.installed static/vendor/.installed translations

$(VENV)/.installed: setup.cfg pyproject.toml
	@bash tools/install-deps.sh build
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

static/vendor/.installed: node_modules/.package-lock.json Makefile
	mkdir -p static/vendor/socket.io
	cp node_modules/socket.io-client/dist/socket.io.esm.min.js static/vendor/socket.io/
	mkdir -p static/vendor/pdfjs
	cp node_modules/pdfjs-dist/build/pdf.min.mjs node_modules/pdfjs-dist/build/pdf.worker.min.mjs static/vendor/pdfjs/
	cp -r node_modules/pdfjs-dist/standard_fonts node_modules/pdfjs-dist/cmaps static/vendor/pdfjs/
	@# The viewer's own components (pages, text and link layers, search) and their styles.
	cp node_modules/pdfjs-dist/web/pdf_viewer.mjs node_modules/pdfjs-dist/web/pdf_viewer.css static/vendor/pdfjs/
	cp -r node_modules/pdfjs-dist/web/images static/vendor/pdfjs/
	touch $@

translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d ecabinet/translations >/dev/null

run: setup
	@bash tools/install-deps.sh run
	$(BIN)/ecabinet db upgrade
	$(BIN)/ecabinet demo-data --if-empty
	@# The worker (mail, packets) runs beside the server and stops with it; so does the local
	@# mail catcher, unless SMTP_HOST names a real server: then mail goes there.
	@pids=(); trap 'kill $${pids[*]} 2>/dev/null' EXIT INT TERM; \
	if [ -z "$$SMTP_HOST" ]; then \
	  export SMTP_HOST=127.0.0.1 SMTP_PORT=$(MAIL_CATCHER_PORT) SMTP_USERNAME= SMTP_PASSWORD= \
	    SMTP_STARTTLS= SMTP_SSL=; \
	  PORT=$(PORT) $(BIN)/ecabinet mail-catcher --port $(MAIL_CATCHER_PORT) & pids+=($$!); \
	else \
	  echo "Mail goes to the real SMTP server at $$SMTP_HOST:$${SMTP_PORT:-25}."; \
	fi; \
	PORT=$(PORT) $(BIN)/ecabinet worker & pids+=($$!); \
	PORT=$(PORT) $(BIN)/ecabinet run --port $(PORT)

test-deps:
	@bash tools/install-deps.sh test

lint: setup
	$(BIN)/ruff check .

test: setup test-deps lint
	@# Tests marked postgres need the PostgreSQL pass; the SQLite pass leaves them out.
	@# Tests marked dbless never touch the database, and e2e ones drive a browser, whose
	@# server runs the views that the HTTP and socket tests check in both passes: the
	@# PostgreSQL pass leaves both out. Tests marked timing measure a promised speed: they
	@# run once, alone, so that no other test shares the machine. Tests marked serial
	@# restart a server on its port: they run alone too, in both passes.
	rm -rf $(TEST_DEMO_DIR)
	ECABINET_TEST_DEMO_DIR=$(TEST_DEMO_DIR) $(BIN)/python -m pytest $(PYTEST_SPLIT) -m "not postgres and not timing and not serial"
	ECABINET_TEST_DEMO_DIR=$(TEST_DEMO_DIR) $(BIN)/python -m pytest -m "(timing or serial) and not postgres"
	rm -rf $(TEST_DEMO_DIR)
	DATABASE_URL=$(PG_TEST_URL) $(BIN)/python -m pytest $(PYTEST_SPLIT) -m "not dbless and not e2e and not timing and not serial"
	DATABASE_URL=$(PG_TEST_URL) $(BIN)/python -m pytest -m "serial and not dbless"

# Refresh the message catalogue after changing user-visible strings, then translate the .po.
extract-messages: setup
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k N_ -o ecabinet/translations/messages.pot .
	$(BIN)/pybabel update -i ecabinet/translations/messages.pot -d ecabinet/translations --no-fuzzy-matching

clean:
	rm -rf $(VENV) node_modules static/vendor
