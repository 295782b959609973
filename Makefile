# Two commands do everything on a bare machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint setup migrate demo worker messages bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)
	mkdir -p var/static var/media

migrate: setup
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py seed_demo --if-empty

run: demo
	$(BIN)/python manage.py demo_accounts
	@echo "Worker and server starting on http://$(HOST):$(PORT)/ (Ctrl+C stops both)"
	@trap 'kill 0' INT TERM EXIT; \
	  $(BIN)/python manage.py db_worker --interval 2 --no-reload & \
	  $(BIN)/python manage.py runserver --noreload $(HOST):$(PORT)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/lint-imports

test: lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

messages: setup
	$(BIN)/python manage.py makemessages -l vi --ignore=.venv --ignore=var --no-obsolete
	$(BIN)/python manage.py compilemessages --ignore=.venv

bench: setup
	$(BIN)/python bench/engine.py

clean:
	rm -rf $(VENV) var
