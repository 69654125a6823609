# The two set-up commands (see README): `make site` and `make test`. Each creates
# what it needs: a virtualenv with the project installed, and for the tests
# Debian's chromium and axe-core from the npm registry.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# The tests' copy of the London Datastore files: ../shared (this project's CI), else what fetch-sources got.
SHARED_DATA ?= $(if $(wildcard ../shared/data/london-datastore),../shared/data/london-datastore,$(SOURCES))
AXE := build/node/node_modules/axe-core/axe.min.js
SOURCES := build/sources
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: site test benchmark serve clean publish fetch-sources

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[test]"
	touch $@

# Downloads $$CRIME_SOURCE_URL and $$POPULATION_SOURCE_URL into build/sources (the only network step
# besides installs); `make site` and `make test` then use them when they exist.
fetch-sources: $(BIN)/.installed
	mkdir -p $(SOURCES)
	@if [ -n "$$CRIME_SOURCE_URL" ]; then $(BIN)/python -c "import sys, urllib.request; urllib.request.urlretrieve(sys.argv[1], sys.argv[2])" "$$CRIME_SOURCE_URL" "$(SOURCES)/MPS Borough Level Crime (Historical).csv"; fi
	@if [ -n "$$POPULATION_SOURCE_URL" ]; then $(BIN)/python -c "import sys, urllib.request; urllib.request.urlretrieve(sys.argv[1], sys.argv[2])" "$$POPULATION_SOURCE_URL" "$(SOURCES)/population2019.csv"; fi

# Builds from the repository's packages; with CRIME_SOURCE (a URL or file of the Met's
# borough crime CSV) it imports recorded crime first, and POPULATION_SOURCE adds rates.
site: $(BIN)/.installed
	@if [ -z "$$CRIME_SOURCE" ] && [ -f "$(SOURCES)/MPS Borough Level Crime (Historical).csv" ]; then \
	  export CRIME_SOURCE="$(SOURCES)/MPS Borough Level Crime (Historical).csv"; \
	  [ -f "$(SOURCES)/population2019.csv" ] && export POPULATION_SOURCE="$(SOURCES)/population2019.csv"; \
	fi; \
	if [ -n "$$CRIME_SOURCE" ]; then \
	  $(BIN)/transparency import-crime "$$CRIME_SOURCE" $${POPULATION_SOURCE:+--population "$$POPULATION_SOURCE"} && \
	  $(BIN)/transparency build; \
	else \
	  $(BIN)/transparency build --builtin-only; \
	fi

# Adds the reporting quarter to the archive of quarters on the gh-pages branch (CI runs it each quarter).
publish: $(BIN)/.installed
	@if [ -n "$$CRIME_SOURCE" ]; then \
	  $(BIN)/transparency import-crime "$$CRIME_SOURCE" $${POPULATION_SOURCE:+--population "$$POPULATION_SOURCE"}; \
	fi
	$(BIN)/transparency publish $${PUSH:+--push}

/usr/bin/chromium:
	@command -v apt-get >/dev/null || { echo "the browser tests need Debian's chromium: install it"; exit 1; }
	$(SUDO) apt-get update -qq
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null

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
