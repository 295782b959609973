# Two commands do everything on a bare machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve test lint setup migrate demo worker messages bench bench-pages bench-load clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# collectstatic with DEBUG off writes the manifest of hashed names that pages with DEBUG
# off need (docs/deploy.md); with DEBUG on they use the same folder's plain copies.
setup: $(STAMP)
	mkdir -p var/static var/media
	DJANGO_DEBUG=0 $(BIN)/python manage.py collectstatic --noinput --verbosity 0

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

# The production server (docs/deploy.md): set DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS
# and DATABASE_URL first; GUNICORN_* variables change its settings.
serve: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/gunicorn -c config/gunicorn.py

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
	$(BIN)/python bench/planner.py

# Every crawled page at 100 and 3,300 communes (SQLite; add --postgres for PostgreSQL):
# make bench-pages PAGES_ARGS="--postgres --repeat 7"
bench-pages: setup
	$(BIN)/python bench/pages.py $(PAGES_ARGS)

# 50 people filling in questionnaires on gunicorn + PostgreSQL (docs/server.md):
# make bench-load LOAD_ARGS="--duration 30 --kill-worker-at 10"
bench-load: setup
	$(BIN)/python bench/load.py $(LOAD_ARGS)

clean:
	rm -rf $(VENV) var
