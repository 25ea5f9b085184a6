# The two commands of the README: `make run` and `make test`. Everything else is for developers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
# Settings for the local demo and the test suite; production reads its own environment.
# The local demo signs in with a password only (TWO_FACTOR_REQUIRED=0 is refused with DEBUG off).
# The demo signs its published records' PDFs (core/signing.py) with a throwaway self-signed key of its own,
# made once under a git-ignored folder (README: Signed PDFs).
DEMO_SIGNING := $(CURDIR)/.demo-signing
DEMO_SIGNING_CERT := $(DEMO_SIGNING)/pdf-signing.cert.pem
DEV_ENV := DEBUG=1 TWO_FACTOR_REQUIRED=0 \
	PDF_SIGNING_KEY=$(DEMO_SIGNING)/pdf-signing.key.pem PDF_SIGNING_CERT=$(DEMO_SIGNING_CERT)
TEST_ENV := DEBUG=0 SECRET_KEY=test-suite-only-not-secret ALLOWED_HOSTS=testserver,localhost,127.0.0.1 SECURE_SSL_REDIRECT=0

.PHONY: install run serve serve-two test lint format migrations messages ci clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

## install: create .venv and install the requirements (once per change of requirements*.txt)
install: $(STAMP)

## run: set up, migrate SQLite, load the demo data and serve http://127.0.0.1:8000 (another port: make run PORT=8001)
PORT ?= 8000
run: $(STAMP) $(DEMO_SIGNING_CERT)
	$(DEV_ENV) $(BIN)/python manage.py migrate --no-input
	$(DEV_ENV) $(BIN)/python manage.py load_demo
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The demo's signing key and certificate (made with DEBUG on and no key configured yet).
$(DEMO_SIGNING_CERT): | $(STAMP)
	DEBUG=1 $(BIN)/python manage.py make_signing_key --out $(DEMO_SIGNING) --days 3650 --name "IISG Board Portal (demo)"

## serve: production-like: gunicorn (limits and WEB_CONCURRENCY workers from gunicorn.conf.py), static files
## through whitenoise, PostgreSQL via DATABASE_URL with persistent connections; REDIS_URL for cache and sessions.
## APP_PORTS="8000 8001" starts one app process per port (what nginx balances, README "More than one machine").
# Needs SECRET_KEY and DATABASE_URL in the environment. Plain HTTP on 127.0.0.1:8000 (or GUNICORN_BIND),
# so the SSL redirect is off unless SECURE_SSL_REDIRECT=1 (behind a TLS proxy, see README).
# Database connections are kept for CONN_MAX_AGE seconds (60 here) and checked before reuse. Several
# processes on one machine would share gunicorn's control socket (one path per user): they run without.
SERVE_ENV = DEBUG=0 ALLOWED_HOSTS=$${ALLOWED_HOSTS:-127.0.0.1,localhost} \
	CONN_MAX_AGE=$${CONN_MAX_AGE:-60} CONN_HEALTH_CHECKS=$${CONN_HEALTH_CHECKS:-1}
APP_PORTS ?=
serve: $(STAMP)
	@test -n "$$DATABASE_URL" || { echo "make serve needs DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/iisg"; exit 1; }
	@test -n "$$SECRET_KEY" || { echo "make serve needs SECRET_KEY (a long random string)"; exit 1; }
	$(SERVE_ENV) $(BIN)/python manage.py migrate --no-input
	$(SERVE_ENV) $(BIN)/python manage.py collectstatic --no-input -v0
ifeq ($(strip $(APP_PORTS)),)
	$(SERVE_ENV) SECURE_SSL_REDIRECT=$${SECURE_SSL_REDIRECT:-0} \
		$(BIN)/gunicorn --config gunicorn.conf.py iisg_portal.wsgi
else
	@test -n "$$REDIS_URL" || echo "Note: without REDIS_URL the app processes share no cache (the page cache is off)."
	@pids=""; trap 'kill $$pids 2>/dev/null; wait' INT TERM; \
	for port in $(APP_PORTS); do \
		echo "App process on http://$${APP_HOST:-127.0.0.1}:$$port"; \
		$(SERVE_ENV) SECURE_SSL_REDIRECT=$${SECURE_SSL_REDIRECT:-0} GUNICORN_BIND=$${APP_HOST:-127.0.0.1}:$$port \
			$(BIN)/gunicorn --config gunicorn.conf.py --no-control-socket iisg_portal.wsgi & pids="$$pids $$!"; \
	done; \
	wait
endif

## serve-two: two app processes on ports 8000 and 8001 sharing DATABASE_URL and REDIS_URL (make serve APP_PORTS="8000 8001")
serve-two:
	@test -n "$$REDIS_URL" || { echo "make serve-two needs REDIS_URL (shared cache and sessions), e.g. redis://127.0.0.1:6379/0"; exit 1; }
	$(MAKE) serve APP_PORTS="8000 8001"

## test: set up if needed and run the whole suite (DATABASE_URL picks PostgreSQL), in parallel: one worker per
## CPU, each with its own test database (TEST_WORKERS=1 for one process, e.g. to use a debugger)
TEST_WORKERS ?= auto
test: $(STAMP)
	$(TEST_ENV) $(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations: $(STAMP) $(DEMO_SIGNING_CERT)
	$(DEV_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

## messages: extract the interface's strings into every language's catalogue (locale/<lang>/LC_MESSAGES/django.po)
## and the template (locale/django.pot), rebuild Django's strings for cnr and bs (locale_django/build.py), and compile
## every catalogue to .mo (committed: a fresh clone runs without gettext). Needs gettext (xgettext, msgmerge, msgfmt).
# What is not the interface's: the virtualenv, the Nu checker, tests, benchmarks, vendored and collected static files.
MESSAGE_LANGUAGES := sq mk sr sr_Latn bs hr cnr
MESSAGE_IGNORE := --ignore=.venv --ignore=node_modules --ignore=tests --ignore=bench --ignore=static \
	--ignore=staticfiles --ignore=media --ignore=screenshots --ignore=locale_django --ignore=.demo-signing
messages: $(STAMP)
	DEBUG=1 $(BIN)/python manage.py makemessages --add-location=file $(MESSAGE_IGNORE) \
		$(foreach lang,$(MESSAGE_LANGUAGES),-l $(lang)) --keep-pot
	$(BIN)/python -m iisg_portal.catalogues headers
	DEBUG=1 $(BIN)/python locale_django/build.py
	DEBUG=1 $(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .demo-signing
