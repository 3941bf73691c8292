# The porting assistant's commands. Everything generated lands in .venv/, build/, models/,
# results/ and var/ (all git-ignored); each step is skipped when its inputs did not change.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-builtin-rules

export RASA_TELEMETRY_ENABLED := false
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export TF_CPP_MIN_LOG_LEVEL := 2
# endpoints.yml reads these; `python -m bot run` sets its own, these serve `rasa test`/`shell`.
export ACTION_ENDPOINT_URL ?= http://localhost:5055/webhook
export TRACKER_DB ?= var/tracker.db

VENV := .venv
PY := $(VENV)/bin/python
RASA := $(PY) -m rasa
# -qq: errors only (this machine's pip.conf names index folders that warn on every package)
PIP_INSTALL := $(PY) -m pip install -qq --disable-pip-version-check
INSTALLED := $(VENV)/.installed
NLP_DIR := build/spacy_pipeline
NLP_BUILT := build/.spacy_pipeline.built
MODEL := models/assistant.tar.gz
TRAIN_DATA := config.yml domain.yml $(shell find data -name '*.yml' 2>/dev/null)
# the project's own NLU components (config.yml names them)
NLU_COMPONENTS := bot/nlu/faq_selector.py bot/nlu/notice_featurizer.py bot/nlu/intent_blend.py bot/nlu/feature_joiner.py bot/nlu/sentence_features.py bot/nlu/person_request.py bot/nlu/stop_or_question.py bot/nlu/reason_first.py bot/core/notices.py bot/core/decisions.py
NLP_INPUTS := bot/nlu/pipeline.py bot/core/catalog/__init__.py $(wildcard bot/core/catalog/*.yml)

.PHONY: help install nlp train run run-cluster shell test test-fast lint format eval bench audit lock clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

install: $(INSTALLED) ## create .venv (Python 3.10) with the exact versions in requirements.lock

$(INSTALLED): requirements.lock
	@python310=$$(scripts/find-python310) && \
	  if ! $(PY) -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null; then \
	    echo "Creating $(VENV) with $$python310"; "$$python310" -m venv --clear $(VENV); fi
	@echo "Installing the pinned packages into $(VENV) (the first time takes a few minutes)"
	$(PIP_INSTALL) pip==24.0
	$(PIP_INSTALL) -r requirements.lock
	$(PY) -m pip check
	@touch $@

nlp: $(NLP_BUILT) ## build the spaCy pipeline (blank English, lemmatizer, catalog entity ruler)

$(NLP_BUILT): $(NLP_INPUTS) $(INSTALLED)
	$(PY) -m bot build-nlp --output $(NLP_DIR)
	@touch $@

train: $(MODEL) ## build the spaCy pipeline and train the Rasa model, if their inputs changed

# --skip-validation: `make test` (and CI) runs `rasa data validate --fail-on-warnings` on the
# same data; validating again here cost 15 s of every training.
$(MODEL): $(TRAIN_DATA) $(NLU_COMPONENTS) $(NLP_BUILT)
	$(RASA) train --skip-validation --config config.yml --domain domain.yml --data data --out models --fixed-model-name assistant
	@touch $@

run: $(MODEL) ## install, train if needed, start every server and print the URLs (Ctrl-C stops)
	$(PY) -m bot run

run-cluster: $(MODEL) ## the production shape on one machine: PostgreSQL, Redis, 2 Rasa replicas, 2 action servers, HAProxy
	$(PY) -m bot run-cluster

shell: $(MODEL) ## chat in the terminal (rasa shell) with the action server running
	$(PY) -m bot shell

test: $(MODEL) ## install, train if needed, validate the data, test the stories, run pytest
	@mkdir -p var results
	$(RASA) data validate --fail-on-warnings
	$(RASA) test core --stories tests/ --fail-on-prediction-errors --out results/core
	@# tests/conversations is a measurement, like the held-out NLU set: `make eval` scores it
	$(PY) -m pytest --ignore=tests/conversations

test-fast: $(INSTALLED) ## the tests that need no model and no servers (unit and action tests), in about a minute
	$(PY) -m pytest tests/unit tests/actions --hypothesis-profile=quick -q

lint: $(INSTALLED) ## ruff: lint and formatting check (CI runs it before the tests)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(INSTALLED) ## ruff: fix what can be fixed and format the code
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

eval: $(MODEL) ## NLU quality (5-fold cross-validation, the held-out set; per-intent F1 in results/) and the customer conversations' success rate
	$(RASA) test nlu --nlu data --config config.yml --cross-validation --folds 5 \
	  --out results/cross-validation
	$(RASA) test nlu --nlu tests/nlu_holdout.yml --model $(MODEL) --out results/holdout --successes
	@# the customer conversations: their failures are counted by eval-report, not a stop here
	$(PY) -m pytest tests/conversations -q --junitxml=results/conversations.xml || true
	$(PY) -m bot eval-report --results results --model $(MODEL)

bench: $(MODEL) ## latency, throughput, memory and cold start against the targets: results/bench.md (BENCH_ARGS=--train also times training)
	$(PY) -m bot.ops.bench --out results $(BENCH_ARGS)

# Needs the advisory services (PyPI, OSV), which this build network does not reach: run it on a
# connected machine. --strict: a package that could not be checked fails the audit.
audit: ## check requirements.lock for known vulnerabilities with pip-audit (needs internet)
	"$$(scripts/find-python310)" -m venv build/audit-venv
	build/audit-venv/bin/pip install -qq --disable-pip-version-check pip-audit==2.10.1
	build/audit-venv/bin/pip-audit -r requirements.lock --no-deps --disable-pip --strict

lock: ## re-resolve requirements.in into requirements.lock in a clean Python 3.10 venv
	rm -rf build/lock-venv
	"$$(scripts/find-python310)" -m venv build/lock-venv
	build/lock-venv/bin/pip install -qq pip==24.0
	build/lock-venv/bin/pip install -qq -r requirements.in
	{ echo "# Generated by 'make lock' from requirements.in: every package pinned."; \
	  build/lock-venv/bin/pip freeze --all | grep -v -E '^(pip|setuptools|wheel)=='; } > requirements.lock
	rm -rf build/lock-venv

clean: ## remove everything generated except .venv and .env
	rm -rf build models results var .rasa .pytest_cache .hypothesis
