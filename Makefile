# Everything a developer runs. `make run` and `make test` are all a newcomer needs.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run install migrate demo test test-postgres browser lint format css css-check clean security bench resilience lighthouse throughput

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $@

install: $(VENV)/.installed

migrate: install
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput

demo: migrate
	DJANGO_DEBUG=1 $(BIN)/python manage.py seed_demo

run: demo
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Every main page's queries and server time at N = 100 and N = 10,000 leaders,
# on PostgreSQL, written to BENCHMARKS.md. Creates the database if it is missing.
BENCH_DATABASE_URL ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/citizenleaders_bench)
bench: install
	$(BIN)/python -c "import sys, psycopg; from psycopg.conninfo import conninfo_to_dict, make_conninfo; \
	name = conninfo_to_dict(sys.argv[1])['dbname']; \
	c = psycopg.connect(make_conninfo(sys.argv[1], dbname='postgres'), autocommit=True); \
	c.execute('SELECT 1 FROM pg_database WHERE datname = %s', [name]).fetchone() \
	or c.execute(f'CREATE DATABASE \"{name}\"')" "$(BENCH_DATABASE_URL)"
	DATABASE_URL="$(BENCH_DATABASE_URL)" DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DATABASE_URL="$(BENCH_DATABASE_URL)" DJANGO_DEBUG=1 $(BIN)/python manage.py bench --sizes 100,10000 --output BENCHMARKS.md

# Debian's Chromium drives the browser tests; Playwright never downloads one.
browser:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q chromium; }

test: install browser
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The compiled stylesheet is committed, so running the site needs no Node.
css:
	npm ci --no-audit --no-fund
	npm run build

# Fails when the committed CSS and scripts differ from a fresh build.
css-check: css
	git diff --exit-code -- static/

# Security checks (issue 8): every form and filter fuzzed with more examples,
# the security headers and production settings, bandit, pip-audit (where the
# package index serves vulnerability data), and wapiti (Debian's package)
# against a local copy of the site, anonymously and as each demo role.
security: install
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-150} $(BIN)/pytest -q tests/citizenleaders/test_fuzz.py \
		tests/citizenleaders/test_security_headers.py tests/citizenleaders/test_settings.py
	$(BIN)/bandit -q -c pyproject.toml -r citizenleaders leaders ulos events
	$(BIN)/pip-audit --progress-spinner off --skip-editable || echo "pip-audit could not finish: see its output above"
	@command -v wapiti >/dev/null || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q wapiti; }
	$(BIN)/python -m tests.security.wapiti_scan

# Web performance (issue 8), written to WEB-PERFORMANCE.md: Lighthouse scores
# and the home page's weight (npm's lighthouse driving Debian's Chromium), and
# throughput with gunicorn on PostgreSQL under wrk (Debian's package).
lighthouse: install browser
	@test -x node_modules/.bin/lighthouse || npm ci --no-audit --no-fund
	$(BIN)/python -m tests.performance.web lighthouse

throughput: install
	@command -v wrk >/dev/null || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q wrk; }
	$(BIN)/python -m tests.performance.web throughput

# Load and faults (issue 8): two gunicorn instances on one throwaway PostgreSQL
# cluster (created, restarted under load and deleted by the script; needs the
# PostgreSQL 15 binaries and root or the postgres user), Redis on 127.0.0.1:6379
# and a local SMTP server. About 80 s; writes RESILIENCE.md.
resilience: install
	$(BIN)/python -m tests.resilience.run

clean:
	rm -rf $(VENV) node_modules staticfiles
