# The two set-up commands (see README): `make site` and `make test`. Each creates
# what it needs: a virtualenv with the project installed, and for the tests
# Debian's chromium and axe-core from the npm registry.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SHARED_DATA ?= ../shared/data/london-datastore
AXE := build/node/node_modules/axe-core/axe.min.js

.PHONY: site test benchmark serve clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[test]"
	touch $@

# Builds from the repository's packages; with CRIME_SOURCE (a URL or file of the Met's
# borough crime CSV) it imports recorded crime first, and POPULATION_SOURCE adds rates.
site: $(BIN)/.installed
	@if [ -n "$$CRIME_SOURCE" ]; then \
	  $(BIN)/transparency import-crime "$$CRIME_SOURCE" $${POPULATION_SOURCE:+--population "$$POPULATION_SOURCE"} && \
	  $(BIN)/transparency build; \
	else \
	  $(BIN)/transparency build --builtin-only; \
	fi

/usr/bin/chromium:
	@command -v apt-get >/dev/null || { echo "the browser tests need Debian's chromium: install it"; exit 1; }
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null

$(AXE):
	mkdir -p build/node
	npm install --silent --no-audit --no-fund --prefix build/node axe-core@4

test: $(BIN)/.installed /usr/bin/chromium $(AXE)
	SHARED_DATA=$(SHARED_DATA) $(BIN)/pytest -q

benchmark: $(BIN)/.installed
	SHARED_DATA=$(SHARED_DATA) $(BIN)/python benchmarks/run.py

serve: $(BIN)/.installed
	$(BIN)/mkdocs serve

clean:
	rm -rf site build .site-*
