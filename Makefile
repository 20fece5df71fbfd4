# EP Suite — every target calls tools/ep, which installs what is missing first.
.PHONY: run test stop setup start db lint bench test-addon test-host clean help

run:            ## server on http://127.0.0.1:8069 with demo data (admin / admin)
	@tools/ep run

test:           ## every test: pure, compat, Odoo, integration, reliability, host; ARGS=--full: issue 14's sizes
	@tools/ep test $(ARGS)

stop:           ## stop the server, broker and database of this checkout
	@tools/ep stop

setup:          ## install Debian packages, .venv and lessc only
	@tools/ep setup

start:          ## start PostgreSQL and Mosquitto only
	@tools/ep start

db:             ## create or update the demo database "ep"
	@tools/ep db

lint:           ## ruff, pylint-odoo
	@tools/ep lint

bench:          ## every bench/*.py (~30 min), one table, bench/RESULTS.md; ARGS=--quick or ARGS="--only soak"
	@tools/ep bench $(ARGS)

test-addon:     ## one addon's Odoo tests on the existing test DB: make test-addon A=ep_parking
	@tools/ep test-addon $(A)

test-host:      ## Odoo's own tests of base, account, portal, website, tiers pass with our addons too
	@tools/ep test-host

clean: stop     ## remove .state (databases, broker data, logs); keeps .venv
	rm -rf .state

help:
	@grep -E '^[a-z-]+:.*##' Makefile | sed 's/:.*##/\t/'
