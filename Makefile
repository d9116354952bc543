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

.PHONY: run test lint check-translations compile extract update-catalogs redis clean

run: $(VENV)/.installed compile redis
	@echo "Serving on http://127.0.0.1:$(PORT) (try: $(BIN)/ntrk-sim)"
	$(BIN)/gunicorn --bind 0.0.0.0:$(PORT) --workers $(WEB_CONCURRENCY) 'service:create_app()'

test: $(VENV)/.installed compile redis-binary
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
update-catalogs: extract
	@for po in $(CATALOGS); do msgmerge --quiet --update --backup=none --previous $$po locales/messages.pot; done

compile: $(VENV)/.installed
	$(BIN)/pybabel compile -d locales -D messages --statistics

redis-binary:
	@scripts/ensure-redis --install-only

redis: redis-binary
	@scripts/ensure-redis "$(REDIS_URL)"

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .redis
	find locales -name '*.mo' -delete
