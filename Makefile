# The two commands: `make run` and `make test`. See README.md.
SHELL := /bin/bash
PY := .venv/bin/python
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := python3.11

.PHONY: install run stop test lint format check-browser messages bench bench-on

# `make run V=1` shows every migration and job line; by default only the users and URL
# (and errors: not the warning the demo's refused file logs on purpose).
ifeq ($(V),1)
QUIET :=
LOGS :=
else
QUIET := >/dev/null
LOGS := LOG_LEVEL=ERROR
endif

install:
	@command -v uv >/dev/null 2>&1 || python3 -m pip install --quiet uv
	@uv sync --frozen --quiet

run: install
	@echo "Preparing the database and the demo data (first run: a few minutes)..."
	@$(LOGS) DJANGO_ENV=development $(PY) manage.py migrate --noinput $(QUIET)
	@$(LOGS) DJANGO_ENV=development $(PY) manage.py seed_demo --if-empty --employers 3000 $(QUIET)
	@# The users first: the nightly jobs assign the new cases to the demo agents.
	@$(LOGS) DJANGO_ENV=development $(PY) manage.py demo_users >/dev/null
	@# A challenger strategy before the first night, which deals it its share of the cases.
	@$(LOGS) DJANGO_ENV=development $(PY) manage.py seed_demo_strategies >/dev/null
	@$(LOGS) DJANGO_ENV=development $(PY) manage.py run_nightly_jobs --date $$(TZ=America/El_Salvador date +%F) >/dev/null
	@$(LOGS) DJANGO_ENV=development $(PY) manage.py seed_demo_activity >/dev/null
	@$(LOGS) DJANGO_ENV=development $(PY) manage.py seed_demo_stories >/dev/null
	@$(LOGS) DJANGO_ENV=development $(PY) manage.py seed_demo_board >/dev/null
	@$(LOGS) DJANGO_ENV=development $(PY) manage.py seed_demo_correspondence >/dev/null
	@$(LOGS) DJANGO_ENV=development $(PY) manage.py seed_demo_desk >/dev/null
	@$(LOGS) DJANGO_ENV=development $(PY) manage.py seed_demo_office >/dev/null
	@$(LOGS) DJANGO_ENV=development $(PY) manage.py seed_demo_solvency >/dev/null
	@$(LOGS) DJANGO_ENV=development $(PY) manage.py seed_demo_prescription >/dev/null
	@$(LOGS) DJANGO_ENV=development $(PY) manage.py seed_demo_relations >/dev/null
	@# The demo's periods were written after the night: the lists sorted by debt read the
	@# summary again instead of summing every period on each request.
	@$(LOGS) DJANGO_ENV=development $(PY) manage.py refresh_arrears_summary >/dev/null
	@DJANGO_ENV=development $(PY) manage.py demo_users
	@echo "Recupera: http://127.0.0.1:8000  (Ctrl-C stops it, and the embedded PostgreSQL)"
	@trap '$(PY) -m config.embedded stop' EXIT; \
	  DJANGO_ENV=development $(PY) manage.py runserver 127.0.0.1:8000

# Stop the embedded PostgreSQL (`make test` leaves it running for the next run).
stop:
	@$(PY) -m config.embedded stop

lint:
	@.venv/bin/ruff check .
	@.venv/bin/ruff format --check .

format:
	@.venv/bin/ruff check --fix .
	@.venv/bin/ruff format .

check-browser:
	@if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then \
	  echo "Chromium is missing: browser tests will be skipped."; \
	  echo "Install it with: sudo apt-get install chromium"; \
	  if [ "$${CI:-}" = "true" ]; then echo "CI=true: a missing browser fails the run."; exit 1; fi; \
	fi

test: install lint check-browser
	@DJANGO_ENV=test $(PY) manage.py makemigrations --check --dry-run >/dev/null || \
	  (echo "Models and migrations disagree: run makemigrations."; exit 1)
	@DJANGO_ENV=test $(PY) -m pytest $(PYTEST_ARGS)

messages:
	@DJANGO_ENV=development $(PY) manage.py makemessages -l es --no-location --ignore=.venv --ignore=.data
	@DJANGO_ENV=development $(PY) manage.py compilemessages --ignore=.venv

# Every benchmark on the embedded PostgreSQL 18 and, when DATABASE_URL is given, again on
# that server (CI's and production's PostgreSQL 15): a plan fast on one can be slow on the
# other. Each prints its engine first. Scratch databases only (recupera_bench,
# recupera_pages), never the application's own.
bench: install
	@$(MAKE) --no-print-directory bench-on BENCH_URL=
	@if [ -n "$$DATABASE_URL" ]; then $(MAKE) --no-print-directory bench-on BENCH_URL="$$DATABASE_URL"; fi

bench-on:
	@if [ -n "$(BENCH_URL)" ]; then export DATABASE_URL="$(BENCH_URL)"; else unset DATABASE_URL; fi; \
	  export DJANGO_ENV=development LOG_LEVEL=WARNING; \
	  $(PY) bench/import_arrears.py --rows 1000000 && \
	  $(PY) bench/breach_job.py --agreements 100000 --installments 10 && \
	  $(PY) bench/breach_job.py --scale && \
	  $(PY) bench/pages.py --employers 50000 && \
	  $(PY) bench/dashboards.py --sizes 50000,500000 && \
	  $(PY) bench/nightly_extras.py --employers 50000
