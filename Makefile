# The two commands: `make run` (the app, with demo data) and `make test` (the whole suite).
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

.PHONY: run test setup lint format messages clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

setup: $(BIN)/.installed

run: setup
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_localities
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py schedule_digests
	@# The task queue's worker (the large imports) runs beside the server; Ctrl-C (or TERM)
	@# stops both, the worker once its current task is done.
	$(BIN)/python manage.py $(WORKER) & worker=$$!; \
	$(BIN)/python manage.py runserver $(HOST) & server=$$!; \
	trap 'kill $$server $$worker 2>/dev/null; wait' EXIT INT TERM; \
	wait $$server

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
