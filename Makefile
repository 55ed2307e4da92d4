# Everything runs from the locked environment in .venv; uv itself is bootstrapped into var/uv.
PYTHON ?= python3
UV_VERSION := 0.13.9
UV := var/uv/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1:8000

.PHONY: demo test lint fmt bench bench-db bench-loads load migrate seed clean browser office render

$(UV):
	$(PYTHON) -m venv var/uv
	var/uv/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync --frozen --python $(PYTHON) --quiet
	touch $@

var/.dirs:
	mkdir -p var/media var/static
	touch $@

migrate: $(VENV)/.synced var/.dirs
	DEBUG=1 $(MANAGE) migrate --noinput

seed: migrate
	DEBUG=1 $(MANAGE) seed_demo --address $(HOST)

demo: seed
	DEBUG=1 $(MANAGE) runserver $(HOST)

test: $(VENV)/.synced var/.dirs lint browser office
	DEBUG=1 $(MANAGE) makemigrations --check --dry-run
	DEBUG=1 $(PY) -m pytest

# Browser tests drive Debian's Chromium with a CJK font; installed once when missing (needs root and apt).
browser:
	@command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi wqy || { \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; }

# The render check converts every office export to PDF with LibreOffice (headless) and reads it with poppler;
# both (and a CJK font) are installed once when missing (needs root and apt). The first pages land in var/renders/.
office:
	@command -v soffice >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi wqy || { \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			libreoffice-calc libreoffice-writer poppler-utils fonts-wqy-microhei >/dev/null; }

render: $(VENV)/.synced var/.dirs office
	DEBUG=1 $(PY) -m pytest -q jixiao/demo/tests/test_office_render.py

# The import-linter contract ([tool.importlinter] in pyproject.toml): apps are layered, no arrow points up.
lint: $(VENV)/.synced
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

fmt: $(VENV)/.synced
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Benchmarks run on PostgreSQL; the database is seeded with 100,000 projects on first use and kept.
# After the figures, the deadline-day load (`make load`, 100 users for 2 minutes) runs on the same database.
# `make bench-loads` measures the loads alone, on a database of their own that needs no seeding.
BENCH_DB ?= jixiao_bench
PROJECTS ?= 100000
# As in production, the cache (and with it the sessions) is Redis: database 14 of the local server.
BENCH_ENV = DATABASE_URL=postgres://postgres@127.0.0.1:5432/$(BENCH_DB) REDIS_URL=redis://127.0.0.1:6379/14 \
	SECRET_KEY=bench-only-not-secret DEBUG=0

bench-db: $(VENV)/.synced var/.dirs
	@pg_isready -h 127.0.0.1 -q || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 \
		|| redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
	@psql -h 127.0.0.1 -U postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$(BENCH_DB)'" | grep -q 1 \
		|| createdb -h 127.0.0.1 -U postgres $(BENCH_DB)
	$(BENCH_ENV) $(MANAGE) migrate --noinput -v0
	$(BENCH_ENV) $(MANAGE) collectstatic --noinput -v0

bench: bench-db
	$(BENCH_ENV) $(MANAGE) bench --projects 100000
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/$(BENCH_DB) $(MAKE) --no-print-directory load

bench-loads: BENCH_DB = jixiao_loadbench
bench-loads: bench-db
	$(BENCH_ENV) $(MANAGE) bench --loads-only --projects $(PROJECTS)

# The deadline-day load (locust headless against gunicorn on the loopback, then the exactly-once check):
# on DATABASE_URL if set, else on the bench database if it exists, else on a throwaway demo database.
USERS ?= 100
SPAWN_RATE ?= 10
RUN_TIME ?= 2m
WORKER_CLASS ?= gthread
WORKERS ?= 2
THREADS ?= 4

load: $(VENV)/.synced var/.dirs
	USERS=$(USERS) SPAWN_RATE=$(SPAWN_RATE) RUN_TIME=$(RUN_TIME) \
		WORKER_CLASS=$(WORKER_CLASS) WORKERS=$(WORKERS) THREADS=$(THREADS) \
		bash jixiao/demo/load/run.sh

clean:
	rm -rf $(VENV) var/uv
