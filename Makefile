# bulletin — the two commands are `make demo` and `make test`; everything else is a step of them.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
# nginx-light: the tests start nginx from deploy/nginx/ (downloads, and the multi-node test).
APT_PACKAGES := python3-venv fonts-noto-cjk libharfbuzz-subset0 gettext poppler-utils chromium nginx-light
DEMO_BUNDLE := docs/demo-bundle
DEMO_SETTINGS := bulletin.settings.dev
HOST ?= 127.0.0.1
PORT ?= 8000
# Seconds `make serve` waits before starting a task worker that died again (a worker failing at
# once is not restarted in a tight loop); its test sets 0 instead of waiting.
WORKER_RESTART_DELAY ?= 2
# Links in e-mails (invitations, password resets, review requests) point at the demo site.
export SITE_URL ?= http://$(HOST):$(PORT)

# Python's bytecode cache on for every recipe, whatever the shell says: some machines export
# PYTHONDONTWRITEBYTECODE=1, and then every test process and every process a test starts compiles
# the project again and pytest rewrites every test module again (collection 5.8-6.8 s -> 4.0 s).
unexport PYTHONDONTWRITEBYTECODE

.PHONY: setup system-packages venv messages demo demo-data serve test test-only coverage test-fast screenshots lint clean bench-setup icc-profile vendor-ui

setup: system-packages $(VENV)/.installed messages ## install what is missing (idempotent)

system-packages:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "Installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	  else \
	    echo "Missing Debian packages:$$missing"; \
	    echo "Run as root:  sudo apt-get install -y$$missing"; \
	    exit 1; \
	  fi; \
	fi

$(VENV)/bin/python:
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip

$(VENV)/.installed: $(VENV)/bin/python pyproject.toml requirements.lock
	$(VENV)/bin/pip install -q -c requirements.lock -e ".[dev]"
	@touch $@

messages: $(VENV)/.installed
	@if ls locale/*/LC_MESSAGES/*.po */locale/*/LC_MESSAGES/*.po 2>/dev/null | grep -q .; then $(PY) manage.py compilemessages -v0 --ignore=.venv; fi

demo: setup demo-data serve ## set up, load and render the demo issue, serve it

demo-data:
	DJANGO_SETTINGS_MODULE=$(DEMO_SETTINGS) $(PY) manage.py migrate --noinput -v0
	DJANGO_SETTINGS_MODULE=$(DEMO_SETTINGS) $(PY) manage.py load_demo $(DEMO_BUNDLE)
	DJANGO_SETTINGS_MODULE=$(DEMO_SETTINGS) $(PY) manage.py create_demo_users

# The task worker runs in a loop that starts it again if it dies (it already survives
# database errors itself): scheduled publishing never stops silently.
serve: ## the site on $(HOST):$(PORT) with a task worker beside it (scheduled publishing, proofs)
	@echo ""
	@echo "  bulletin is running:  http://$(HOST):$(PORT)/"
	@echo "  editors' workspace:   http://$(HOST):$(PORT)/editorial/   (Ctrl-C stops both)"
	@echo ""
	@export DJANGO_SETTINGS_MODULE=$(DEMO_SETTINGS); \
	( trap 'kill $$child 2>/dev/null; wait $$child 2>/dev/null; exit 0' INT TERM; \
	  while :; do \
	    $(PY) manage.py db_worker --no-reload --queue-name '*' & child=$$!; \
	    wait $$child; status=$$?; \
	    echo "task worker exited (status $$status); starting it again in $(WORKER_RESTART_DELAY) s" >&2; \
	    sleep $(WORKER_RESTART_DELAY); \
	  done ) & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT) --noreload

test: setup test-only ## set up, then run every test

test-only: ## lint, migration check, every test on SQLite (after setup)
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run --settings=bulletin.settings.test -v0
	$(VENV)/bin/pytest --numprocesses=auto --dist worksteal  # every test, one process per core, an idle one takes over half of the other's queue (multinode runs in .ci/run's PostgreSQL pass, grouped with --dist loadgroup)

coverage: setup ## every test with line coverage, failing under 90 % (.ci/run measures it on its PostgreSQL pass)
	$(VENV)/bin/pytest --numprocesses=auto --dist worksteal --cov --cov-report=term

test-fast: setup ## the quick loop: no browser, no whole-issue renders, no multi-node site, no coverage
	$(VENV)/bin/pytest --numprocesses=auto --dist worksteal -m "not browser and not slow and not multinode"

# Screenshots are pictures for a person, not assertions: the browser tests take them only here.
screenshots: setup ## the browser tests, writing every page they see to test-artifacts/
	BULLETIN_SCREENSHOTS=1 $(VENV)/bin/pytest --numprocesses=auto -m browser

lint:
	$(VENV)/bin/ruff check .

# The scale benchmark (benchmarks/scale/README.md) needs a load generator, nginx as the static
# baseline and, for its search study, a Chinese segmenter. (nginx is in APT_PACKAGES: tests use it.)
BENCH_APT_PACKAGES := wrk nginx-light

bench-setup: setup ## what benchmarks/scale needs on top of `make setup` (idempotent)
	@$(MAKE) --no-print-directory system-packages APT_PACKAGES="$(BENCH_APT_PACKAGES)"
	$(VENV)/bin/pip install -q -r benchmarks/requirements.txt

# The print-shop PDF's output profile is shipped in static/publishing/icc/; this rebuilds it
# from Debian's FOGRA39 characterization data (not a step of setup: it needs argyll, 100 MB).
icc-profile:
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends argyll icc-profiles-free
	work=$$(mktemp -d) && cp /usr/share/color/icc/FOGRA39L.ti3 $$work/ && cd $$work && \
	colprof -qm -l330 -L100 -D "Coated FOGRA39 (bulletin, ArgyllCMS from FOGRA39L)" \
	  -C "Data: Fogra FOGRA39L via icc-profiles-free (Zlib). Built with ArgyllCMS colprof." \
	  -A "bulletin" -O FOGRA39L-bulletin.icc FOGRA39L && \
	cp FOGRA39L-bulletin.icc $(CURDIR)/static/publishing/icc/ && rm -rf $$work

clean:
	rm -rf var db.sqlite3 .pytest_cache

vendor-ui: ## re-fetch the pinned, committed front-end files (Pico CSS, Lucide icons, axe-core) from npm
	$(PYTHON) tools/vendor_ui.py
