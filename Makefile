# Bündnis-Koordination. `make run` and `make test` set up everything on a fresh machine (Python 3.11+).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test test-browser lint format serve bench backup restore migrate demo messages

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

# Translations: compiled with gettext when it is installed, else the committed .mo files are used.
messages: install
	@if command -v msgfmt >/dev/null 2>&1 && [ -d locale ]; then $(PY) manage.py compilemessages -v0 --ignore=.venv; fi

migrate: install
	@mkdir -p var
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py demo_data

# The task worker (exports, e-mail) runs beside the development server and is stopped with it, however that ends.
# Before it starts, the daily run of notifications (06:30) is put in its queue unless one is already waiting.
run: messages demo
	@echo "Bündnis-Koordination läuft auf http://$(HOST):$(PORT)/ (Strg+C beendet), der Hintergrunddienst für Exporte und E-Mails läuft mit"
	@$(PY) manage.py benachrichtigungen_pruefen --einplanen
	@$(PY) manage.py db_worker --queue-name '*' & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; trap 'exit 130' INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

# One process per core, each with its own test database (pytest-xdist and pytest-django: in-memory SQLite, or
# test_<name>_gw0, _gw1, ... on PostgreSQL). `--dist load` hands out tests in pytest-django's order, so each worker
# still runs the transactional tests (whose flush empties the reference tables) after the others; loadfile would
# not. TEST_WORKERS=0 runs the suite in one process.
TEST_WORKERS ?= auto
test: messages
	$(PY) -m pytest -n $(TEST_WORKERS) --dist load

test-browser: messages
	$(PY) -m pytest -m browser tests/browser -p no:randomly

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/ruff format --check .
	@mkdir -p var
	$(PY) manage.py makemigrations --check --dry-run

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

serve: messages
	@case "$$DATABASE_URL" in postgres*) ;; *) echo "make serve braucht PostgreSQL: DATABASE_URL=postgres://benutzer:passwort@host:5432/datenbank (siehe README, Betrieb)"; exit 2;; esac
	DJANGO_SETTINGS_MODULE=config.settings.production $(PY) manage.py check --deploy
	DJANGO_SETTINGS_MODULE=config.settings.production $(PY) manage.py createcachetable
	DJANGO_SETTINGS_MODULE=config.settings.production $(PY) manage.py migrate --noinput
	DJANGO_SETTINGS_MODULE=config.settings.production $(PY) manage.py collectstatic --noinput -v0
	DJANGO_SETTINGS_MODULE=config.settings.production $(PY) manage.py benachrichtigungen_pruefen --einplanen
	@export DJANGO_SETTINGS_MODULE=config.settings.production; \
	$(PY) manage.py db_worker --queue-name '*' --no-reload & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; trap 'exit 130' INT TERM; \
	$(VENV)/bin/gunicorn config.wsgi:application \
		--bind $(HOST):$(PORT) --workers $${WEB_CONCURRENCY:-3} --timeout 60 --graceful-timeout 30 \
		--max-requests 2000 --max-requests-jitter 200 --access-logfile - --error-logfile -

# Pages (total and SQL time), exports, import, and a load test with locust against gunicorn as `make serve` runs it
# (bench/last.py); e.g. BENCH_ARGS="--ohne-last" or "--nur-last" (see bench/run.py --help).
BENCH_ARGS ?=
bench: messages
	$(PY) bench/run.py $(BENCH_ARGS)

backup: install
	$(PY) manage.py backup $${BACKUP_FILE:+--file $$BACKUP_FILE}

restore: install
	@test -n "$$BACKUP_FILE" || (echo "Bitte BACKUP_FILE=pfad angeben (optional FORCE=1 ersetzt vorhandene Daten)" && exit 2)
	$(PY) manage.py restore --file "$$BACKUP_FILE" $${FORCE:+--force}
