# Everything runs from the locked environment in .venv; uv itself is bootstrapped into var/uv.
PYTHON ?= python3
UV_VERSION := 0.13.9
UV := var/uv/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1:8000

.PHONY: demo test lint fmt bench migrate seed serve clean

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
	DEBUG=1 $(MANAGE) seed_demo

demo: seed
	DEBUG=1 $(MANAGE) runserver $(HOST)

test: $(VENV)/.synced var/.dirs lint
	DEBUG=1 $(MANAGE) makemigrations --check --dry-run
	DEBUG=1 $(PY) -m pytest

lint: $(VENV)/.synced
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: $(VENV)/.synced
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) var/uv
