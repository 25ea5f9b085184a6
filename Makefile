# The two commands of the README: `make run` and `make test`. Everything else is for developers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
# Settings for the local demo and the test suite; production reads its own environment.
# The local demo signs in with a password only (TWO_FACTOR_REQUIRED=0 is refused with DEBUG off).
DEV_ENV := DEBUG=1 TWO_FACTOR_REQUIRED=0
TEST_ENV := DEBUG=0 SECRET_KEY=test-suite-only-not-secret ALLOWED_HOSTS=testserver,localhost,127.0.0.1 SECURE_SSL_REDIRECT=0

.PHONY: run serve test lint format migrations ci clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

## run: set up, migrate SQLite, load the demo data and serve http://127.0.0.1:8000
run: $(STAMP)
	$(DEV_ENV) $(BIN)/python manage.py migrate --no-input
	$(DEV_ENV) $(BIN)/python manage.py load_demo
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

## serve: production-like: gunicorn (limits and WEB_CONCURRENCY workers from gunicorn.conf.py), static files
## through whitenoise, PostgreSQL via DATABASE_URL
# Needs SECRET_KEY and DATABASE_URL in the environment. Plain HTTP on 127.0.0.1:8000, so the SSL
# redirect is off unless SECURE_SSL_REDIRECT=1 (behind a TLS proxy, see README).
serve: $(STAMP)
	@test -n "$$DATABASE_URL" || { echo "make serve needs DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/iisg"; exit 1; }
	@test -n "$$SECRET_KEY" || { echo "make serve needs SECRET_KEY (a long random string)"; exit 1; }
	DEBUG=0 ALLOWED_HOSTS=$${ALLOWED_HOSTS:-127.0.0.1,localhost} $(BIN)/python manage.py migrate --no-input
	DEBUG=0 ALLOWED_HOSTS=$${ALLOWED_HOSTS:-127.0.0.1,localhost} $(BIN)/python manage.py collectstatic --no-input -v0
	DEBUG=0 ALLOWED_HOSTS=$${ALLOWED_HOSTS:-127.0.0.1,localhost} SECURE_SSL_REDIRECT=$${SECURE_SSL_REDIRECT:-0} \
		$(BIN)/gunicorn --config gunicorn.conf.py iisg_portal.wsgi

## test: set up if needed and run the whole suite (DATABASE_URL picks PostgreSQL)
test: $(STAMP)
	$(TEST_ENV) $(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations: $(STAMP)
	$(DEV_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
