# The two commands: `make run` (the app, with demo data) and `make test` (the whole suite);
# `make serve` runs the app as a production server.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000
# The worker of the task queue that `make run` starts (settings.TASKS, PLAN_TRACKER_TASKS).
ifeq ($(PLAN_TRACKER_TASKS),rq)
WORKER := rqworker --with-scheduler --job-class django_tasks_rq.Job default
else
WORKER := db_worker --no-reload
endif
# `make run` shows the pages as a production server would (its error pages, not Django's
# technical ones) over plain http; `make run DEBUG=true` for Django's debugging pages.
DEBUG ?= false
PLAN_TRACKER_WEB_WORKERS ?= 3

.PHONY: run serve test setup lint format messages clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

setup: $(BIN)/.installed

run: export DEBUG := $(DEBUG)
run: export PLAN_TRACKER_HTTPS := false
run: setup
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_localities
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0
	$(BIN)/python manage.py schedule_digests
	@# The task queue's worker (the large imports, the daily digest) runs beside the server;
	@# Ctrl-C (or TERM) stops both, the worker once its current task is done.
	$(BIN)/python manage.py $(WORKER) & worker=$$!; \
	$(BIN)/python manage.py runserver $(HOST) & server=$$!; \
	trap 'kill $$server $$worker 2>/dev/null; wait' EXIT INT TERM; \
	wait $$server

# The production server: gunicorn's workers and the task worker side by side, DEBUG off,
# HTTPS protections on unless the environment says otherwise (README, "Running in
# production"). Either stopping, or Ctrl-C / SIGTERM, stops both.
serve: SHELL := /bin/bash
serve: export DEBUG := false
serve: setup
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0
	$(BIN)/python manage.py schedule_digests
	$(BIN)/python manage.py $(WORKER) & worker=$$!; \
	$(BIN)/gunicorn plan_tracker.wsgi --workers $(PLAN_TRACKER_WEB_WORKERS) --bind $(HOST) \
		--access-logfile - & web=$$!; \
	trap 'kill -TERM $$web $$worker 2>/dev/null' INT TERM; \
	wait -n $$web $$worker; status=$$?; \
	kill -TERM $$web $$worker 2>/dev/null; \
	for pid in $$web $$worker; do while kill -0 $$pid 2>/dev/null; do wait $$pid; done; done; \
	exit $$status

test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Refresh the Vietnamese catalogue from the code, merge the translations kept in
# locale/vi/parts/*.po, and compile it (needs GNU gettext's xgettext).
messages: setup
	$(BIN)/python scripts/i18n.py

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
