# Duo — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# Local default: SQLite in the project folder, tasks run in-process; e-mailed
# links point at the address `make run` serves.
RUN_ENV := DEBUG=$${DEBUG:-1} DEMO_MODE=$${DEMO_MODE:-1} SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)}

.PHONY: run test install install-dev lint migrate messages clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

migrate: install
	$(RUN_ENV) $(PY) manage.py migrate --noinput

run: migrate
	$(RUN_ENV) $(PY) manage.py seed_demo
	@echo "Duo on http://127.0.0.1:$(PORT)/"
	$(RUN_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: install-dev
	$(PY) -m pytest -n $${PYTEST_WORKERS:-auto} --dist loadgroup

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

messages: install
	$(RUN_ENV) $(PY) manage.py makemessages -l nl -l fr -l en --no-obsolete -i ".venv/*" -i "tests/*" -i "bench/*"
	$(RUN_ENV) $(PY) manage.py compilemessages --ignore ".venv"

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
