# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
REDIS_URL ?= redis://127.0.0.1:6379/0
WEB_CONCURRENCY ?= 2
# Local-only defaults so `make run` works out of the box; production sets real ones.
TWILIO_AUTH_TOKEN ?= local-dev-auth-token
SECRET_KEY ?= local-dev-secret-key
export PORT REDIS_URL WEB_CONCURRENCY TWILIO_AUTH_TOKEN SECRET_KEY

CATALOGS := $(wildcard locales/*/LC_MESSAGES/messages.po)

.PHONY: run test lint check-translations compile extract update-catalogs redis redis-binary gettext-tools clean

run: $(VENV)/.installed compile redis
	@echo "Serving on http://127.0.0.1:$(PORT) (try: $(BIN)/ntrk-sim)"
	$(BIN)/gunicorn --bind 0.0.0.0:$(PORT) --workers $(WEB_CONCURRENCY) 'service:create_app()'

# pytest runs the translation gate too: tests/test_catalogs.py runs scripts/check_catalogs.py.
test: $(VENV)/.installed compile redis-binary gettext-tools
	$(BIN)/ruff check .
	$(BIN)/pytest

lint: $(VENV)/.installed
	$(BIN)/ruff check .

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# Catalogs: extract texts from flows/, merge them into every language, build .mo files.
extract: $(VENV)/.installed
	$(BIN)/pybabel extract -F pyproject.toml --project=ntrk-line \
		--copyright-holder="NTRK line" --msgid-bugs-address=translations@example.org \
		-o locales/messages.pot .

# GNU msgmerge rather than `pybabel update`: it keeps custom header fields such as
# X-Medical-Review, which pybabel drops.
update-catalogs: extract gettext-tools
	@for po in $(CATALOGS); do msgmerge --quiet --update --backup=none --previous $$po locales/messages.pot; done

compile: $(VENV)/.installed
	$(BIN)/pybabel compile -d locales -D messages --statistics

# The translation gate on its own (docs/translators.md): what each SMS costs per language,
# then msgfmt, pofilter, coverage and the review header, then the catalog and transcript tests.
.PHONY: golden new-language
GATE_TESTS := tests/test_catalogs.py tests/test_sms_replies.py tests/test_transcripts.py
check-translations: $(VENV)/.installed compile redis-binary gettext-tools
	-$(BIN)/python -m service.sms_report  # an over-long SMS also fails the tests below
	$(BIN)/python scripts/check_catalogs.py; tools=$$?; $(BIN)/pytest -q $(GATE_TESTS) && exit $$tools

# Rewrite the golden transcripts after an intended change to texts or flows; review the diff.
golden: $(VENV)/.installed compile redis-binary
	UPDATE_GOLDEN=1 $(BIN)/pytest -q tests/test_transcripts.py

# Start a catalog for a new language: make new-language CODE=de (then add it to languages.yaml).
new-language: $(VENV)/.installed
	@test -n "$(CODE)" || { echo "Usage: make new-language CODE=xx (e.g. de, uk, zh_Hant)"; exit 2; }
	@test ! -e locales/$(CODE) || { echo "locales/$(CODE) exists already"; exit 2; }
	$(BIN)/pybabel init -i locales/messages.pot -d locales -D messages -l $(CODE)
	sed -i 's/^"Content-Transfer-Encoding: 8bit\\n"$$/&\n"X-Medical-Review: pending\\n"/' \
		locales/$(CODE)/LC_MESSAGES/messages.po
	@echo "Next: add '- code: $(CODE)' to locales/languages.yaml (with its Twilio voice or null),"
	@echo "translate locales/$(CODE)/LC_MESSAGES/messages.po, then run make check-translations."

# Load test on this machine, and where the CPU goes (docs/performance.md). Loopback only.
.PHONY: bench profile
bench: $(VENV)/.installed compile redis-binary
	@command -v wrk >/dev/null 2>&1 || scripts/apt-install wrk wrk
	$(BIN)/python -m bench.run $(BENCH_ARGS)

profile: $(VENV)/.installed compile redis-binary
	@command -v wrk >/dev/null 2>&1 || scripts/apt-install wrk wrk
	$(BIN)/pip install --quiet py-spy
	$(BIN)/python -m bench.profile $(PROFILE_ARGS)

# GNU gettext's msgfmt (the gate) and msgmerge (update-catalogs).
gettext-tools:
	@command -v msgfmt >/dev/null 2>&1 || scripts/apt-install gettext msgfmt

redis-binary:
	@scripts/ensure-redis --install-only

redis: redis-binary
	@scripts/ensure-redis "$(REDIS_URL)"

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .redis
	find locales -name '*.mo' -delete
