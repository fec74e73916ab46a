# The two commands: `make run` (set up everything and serve on http://127.0.0.1:8000) and
# `make test` (the whole suite). DATABASE_URL switches from SQLite in ./var to PostgreSQL.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install bench lint format messages clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/dukcapil serve

test: $(STAMP)
	DUKCAPIL_DATA_DIR=var/test $(BIN)/pytest -n $${PYTEST_WORKERS:-2} $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python bench/run.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Regenerate every app's gettext catalogue (needs GNU gettext) and compile it; .po and .mo are
# committed so that a machine without gettext runs in both languages.
APPS := $(notdir $(patsubst %/apps.py,%,$(wildcard src/dukcapil/*/apps.py)))
messages: $(STAMP)
	for app in $(APPS); do \
	  mkdir -p src/dukcapil/$$app/locale && \
	  (cd src/dukcapil/$$app && DUKCAPIL_DATA_DIR=$(CURDIR)/var ../../../$(BIN)/dukcapil makemessages -l en -l id \
	    --no-obsolete --no-location --ignore 'tests/*' --ignore 'testing.py' --ignore 'static/*') \
	  || exit 1; \
	done
	# Indonesian is the source language: its catalogue repeats each message. It has one plural
	# form (nplurals=1): msgen's second one goes, so that `msgfmt -c` accepts the catalogue.
	for po in src/dukcapil/*/locale/id/LC_MESSAGES/django.po; do \
	  msgattrib --clear-fuzzy --empty $$po -o $$po && msgen $$po -o $$po \
	  && sed -i '/^msgstr\[1\]/,/^$$/{/^$$/!d}' $$po || exit 1; done
	cd src/dukcapil && DUKCAPIL_DATA_DIR=$(CURDIR)/var ../../$(BIN)/dukcapil compilemessages --ignore '.venv'

clean:
	rm -rf $(VENV) var
