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
SHARED_POPULATION := $(wildcard ../shared/data/london-datastore/population2019.csv)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: site import test test-fast benchmark plotly-bundle serve clean publish fetch-sources boundaries

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[test]"
	touch $@

# Downloads $$CRIME_SOURCE_URL, $$WARD_SOURCE_URL and $$POPULATION_SOURCE_URL into build/sources (the only
# network step besides installs); `make site` then imports them instead of the committed snapshot.
FETCH := $(BIN)/python -c "import sys, urllib.request; urllib.request.urlretrieve(sys.argv[1], sys.argv[2])"
fetch-sources: $(BIN)/.installed
	mkdir -p $(SOURCES)
	@if [ -n "$$CRIME_SOURCE_URL" ]; then $(FETCH) "$$CRIME_SOURCE_URL" "$(SOURCES)/crime.csv"; fi
	@if [ -n "$$WARD_SOURCE_URL" ]; then $(FETCH) "$$WARD_SOURCE_URL" "$(SOURCES)/wards.csv"; fi
	@if [ -n "$$POPULATION_SOURCE_URL" ]; then $(FETCH) "$$POPULATION_SOURCE_URL" "$(SOURCES)/population.csv"; fi

# Imports recorded crime: CRIME_SOURCE (a URL or file of any edition of the Met's borough or ward file), else
# what fetch-sources got, else the committed snapshot. Rates: POPULATION_SOURCE (POPULATION_YEAR when the file
# has no year column), else the shared copy of the ONS mid-2019 estimates when it is there. WARD_SOURCE (else
# what fetch-sources got), an edition of the ward-level file, adds ward pages where it covers the quarter.
import: $(BIN)/.installed
	@crime="$$CRIME_SOURCE"; wards="$$WARD_SOURCE"; pop="$$POPULATION_SOURCE"; year="$$POPULATION_YEAR"; \
	if [ -z "$$crime" ] && [ -f "$(SOURCES)/crime.csv" ]; then crime="$(SOURCES)/crime.csv"; fi; \
	if [ -z "$$wards" ] && [ -f "$(SOURCES)/wards.csv" ]; then wards="$(SOURCES)/wards.csv"; fi; \
	if [ -z "$$pop" ] && [ -f "$(SOURCES)/population.csv" ]; then pop="$(SOURCES)/population.csv"; fi; \
	if [ -z "$$pop" ] && [ -n "$(SHARED_POPULATION)" ]; then pop="$(SHARED_POPULATION)"; year=2019; fi; \
	$(BIN)/transparency import-crime $${crime:+"$$crime"} $${pop:+--population "$$pop"} $${year:+--population-year "$$year"} \
	  $${wards:+--wards "$$wards"}

# Builds the complete site, recorded crime included, for AS_AT (a quarter such as 2017Q2, or latest) or the
# quarter set in pyproject.toml.
site: import
	$(BIN)/transparency build $${AS_AT:+--as-at "$$AS_AT"} $${SITE_URL:+--site-url "$$SITE_URL"}

# Adds the reporting quarter to the archive of quarters on the gh-pages branch (CI runs it each quarter).
publish: import
	$(BIN)/transparency publish $${AS_AT:+--as-at "$$AS_AT"} $${SITE_URL:+--site-url "$$SITE_URL"} $${PUSH:+--push}

/usr/bin/chromium:
	@command -v apt-get >/dev/null || { echo "the browser tests need Debian's chromium: install it"; exit 1; }
	$(SUDO) apt-get update -qq
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null

$(AXE):
	mkdir -p build/node
	npm install --silent --no-audit --no-fund --prefix build/node axe-core@4

# The whole suite: lint, then every test, browser tests included.
test: $(BIN)/.installed /usr/bin/chromium $(AXE)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	SHARED_DATA=$(SHARED_DATA) $(BIN)/pytest -q

# The fast loop for development: no whole-site builds, no browser (about a minute).
test-fast: $(BIN)/.installed
	$(BIN)/ruff check .
	SHARED_DATA=$(SHARED_DATA) $(BIN)/pytest -q -m "not build and not browser and not slow"

benchmark: $(BIN)/.installed
	SHARED_DATA=$(SHARED_DATA) $(BIN)/python benchmarks/run.py

serve: $(BIN)/.installed
	$(BIN)/mkdocs serve

# Rebuilds the committed Plotly bundle (generator/vendor/README.md); needs Node.js and npm.
plotly-bundle:
	npm install --silent --no-audit --no-fund --prefix build/plotly-bundle plotly.js@4.1.0 esbuild@0.25
	cd build/plotly-bundle && ln -sf ../../generator/vendor/plotly-entry.js entry.js && \
	  npx esbuild entry.js --preserve-symlinks --bundle --minify --define:global=window --format=iife --global-name=Plotly --outfile=../../generator/vendor/plotly-site.min.js && \
	  rm -f ../../generator/vendor/plotly-site.min.css  # map styles the site never uses

# Rebuilds the committed boundaries package from the ONS files in ../shared/data/boundaries (needs shapely, a
# test dependency); the same files give the same bytes.
boundaries: $(BIN)/.installed
	$(BIN)/python -m generator.boundaries ../shared/data/boundaries datapackages/boundaries

clean:
	rm -rf site build .site-*
