# Wekker: the two commands are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?=
# pytest-xdist: the suite runs on every core (each worker gets its own test database).
PYTEST_WORKERS ?= auto
APPS := reference stakeholders groups directory meetings polls indicators

.PHONY: run test install install-dev lock node lint messages bench clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install --quiet --require-hashes -r requirements.txt -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## make lock: requirements.in -> requirements.txt, requirements-dev.in -> requirements-dev.txt,
## every transitive package pinned with the hashes of all its published files. pip-compile
## runs from a venv of its own, .venv-tools/, at the pip-tools version that
## requirements-dev.in pins. Existing pins are kept; to move them:
##   make lock LOCK_ARGS=--upgrade   or   make lock LOCK_ARGS='--upgrade-package celery'
TOOLS := .venv-tools
LOCK_ARGS ?=
PIP_TOOLS_PIN = $(shell grep -i '^pip-tools==' requirements-dev.in)
PIP_COMPILE = CUSTOM_COMPILE_COMMAND="make lock" $(TOOLS)/bin/pip-compile --quiet --generate-hashes \
	--allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links --no-emit-trusted-host $(LOCK_ARGS)

$(TOOLS)/.installed: requirements-dev.in
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --upgrade pip '$(PIP_TOOLS_PIN)'
	touch $@

lock: $(TOOLS)/.installed
	$(PIP_COMPILE) --output-file requirements.txt requirements.in
	$(PIP_COMPILE) --output-file requirements-dev.txt requirements-dev.in

# JavaScript used by the tests only (axe-core, ical.js); skipped when npm is absent.
node:
	@if command -v npm >/dev/null 2>&1; then \
		[ -d node_modules/axe-core ] && [ -d node_modules/ical.js ] || npm ci --no-audit --no-fund --silent; \
	else echo "npm not found: browser and ical.js tests will skip"; fi

## make run: SQLite, filesystem broker, mails in var/mail/, demo data, http://127.0.0.1:8000
run: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo
	$(PY) scripts/dev.py

## make test: the linters, then the whole suite (on DATABASE_URL / CELERY_BROKER_URL when set)
test: lint node
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

## make lint: ruff (rules and format, pyproject.toml), the import-layer contract (import-linter,
## pyproject.toml), and every `noqa` saying why.
lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	@if grep -rnE --include='*.py' --exclude-dir=.venv --exclude-dir=.venv-tools --exclude-dir=node_modules \
		'#[[:space:]]*noqa(:[[:space:]]*[A-Z]+[0-9]+(,[[:space:]]*[A-Z]+[0-9]+)*)?[[:space:]]*$$' .; then \
		echo "make lint: a noqa above says what it silences but not why (# noqa: CODE – reason)"; exit 1; fi

messages: install-dev
	$(PY) manage.py makemessages -l fr --no-obsolete --add-location=file $(foreach app,$(APPS),--ignore='$(app)/*') \
		--ignore='wekker/tests/*' --ignore='node_modules/*' --ignore='benchmarks/*' --ignore='scripts/*'
	for app in $(APPS); do \
		(cd $$app && ../$(PY) ../manage.py makemessages -l fr --no-obsolete --add-location=file); done

bench: install-dev
	$(PY) benchmarks/run.py

clean:
	rm -rf var staticfiles
