# Opschalingswijzer — make run | make test (see README.md)
SHELL := /bin/bash
PY := .venv/bin/python

.PHONY: help run test bootstrap deps train validate eval bench lock clean

help:
	@echo "make run        start action server + Rasa server + web page (Ctrl-C stops)"
	@echo "make test       everything CI checks: validate, pytest, story tests, NLU report"
	@echo "make bootstrap  create/reuse the Python 3.10 venv (.venv)"
	@echo "make deps       Debian packages + web/ npm packages for the tests"
	@echo "make train      train the model if its inputs changed (cached)"
	@echo "make validate   rasa data validate"
	@echo "make eval       NLU: ours vs rasa init default vs TF-IDF, held-out + external + danger sets, 5-fold CV; danger signs and the locked and newest blind conversations through REST -> reports/eval (MIN_F1=0.97 to gate, CV=0 to skip)"
	@echo "make bench      speed: 1/10/50 concurrent REST conversations, ours vs the rasa init bot -> reports/bench"
	@echo "make lint       ruff, shellcheck, yamllint (make format fixes what ruff can)"
	@echo "make types      mypy on opschaling/, actions/, nlu_components/, channels/, deploy/, workbench/ and documents/"
	@echo "make test-unit  pytest without servers or browser (seconds)"

run:
	@bash scripts/run.sh

test:
	@bash scripts/test.sh

bootstrap:
	@bash scripts/bootstrap.sh

deps:
	@bash scripts/system_deps.sh

train: bootstrap
	@source scripts/env.sh && $(PY) scripts/train_if_needed.py

validate: bootstrap
	@source scripts/env.sh && .venv/bin/rasa data validate --config config.yml --domain "$$(opsw_domain_path)" --data data

eval: bootstrap
	@source scripts/env.sh && nice -n 19 $(PY) scripts/eval_nlu.py $(if $(MIN_F1),--min-f1 $(MIN_F1)) $(if $(CV),--cv $(CV))
	@source scripts/env.sh && model="$$($(PY) scripts/train_if_needed.py 2>/dev/null | tail -n 1)" && \
	  $(PY) scripts/eval_safety.py --start "$$model" --out reports/eval \
	  locked_a=tests/safety/blind/locked_a1,tests/safety/blind/locked_a2 \
	  final_i=tests/safety/blind/final_i1,tests/safety/blind/final_i2 \
	  final_j=tests/safety/blind/final_j1,tests/safety/blind/final_j2 \
	  final_k=tests/safety/blind/final_k1,tests/safety/blind/final_k2 \
	  final_l=tests/safety/blind/final_l1,tests/safety/blind/final_l2 \
	  final_m=tests/safety/blind/final_m1,tests/safety/blind/final_m2 \
	  final_q=tests/safety/blind/final_q1,tests/safety/blind/final_q2 \
	  final_r=tests/safety/blind/final_r1,tests/safety/blind/final_r2 \
	  final_s=tests/safety/blind/final_s1,tests/safety/blind/final_s2 \
	  final_u=tests/safety/blind/final_u1 \
	  final_v=tests/safety/blind/final_v1,tests/safety/blind/final_v2 \
	  final_w=tests/safety/blind/final_w1 \
	  --conversations locked=tests/conversations/blind/locked \
	  --conversations fresh_k=tests/conversations/blind/fresh_k \
	  --conversations fresh_l=tests/conversations/blind/fresh_l \
	  --conversations fresh_m=tests/conversations/blind/fresh_m \
	  --conversations fresh_n=tests/conversations/blind/fresh_n \
	  --conversations fresh_o=tests/conversations/blind/fresh_o \
	  --conversations fresh_p=tests/conversations/blind/fresh_p \
	  --conversations fresh_r=tests/conversations/blind/fresh_r \
	  --conversations fresh_s=tests/conversations/blind/fresh_s \
	  --conversations fresh_u=tests/conversations/blind/fresh_u \
	  --conversations fresh_v=tests/conversations/blind/fresh_v \
	  --conversations fresh_w=tests/conversations/blind/fresh_w

bench: bootstrap
	@source scripts/env.sh && $(PY) scripts/bench.py $(if $(N),-n $(N)) $(if $(MODEL),--model $(MODEL))

# scenario files (file or folder, default scenarios/; --local runs without Rasa): see scenarios/README.md
.PHONY: scenarios
scenarios: bootstrap
	@source scripts/env.sh && $(PY) scripts/scenarios.py $(ARGS)

# delete conversations whose last event is older than DAYS days (default 30) from the tracker store
# (SQLite or PostgreSQL, $$OPSW_TRACKER_DB_URL); DRY_RUN=1 only counts. See docs/deploy.md
.PHONY: retention
retention: bootstrap
	@source scripts/env.sh && $(PY) -m deploy.retention --days $(or $(DAYS),$${OPSW_RETENTION_DAYS:-30}) $(if $(DRY_RUN),--dry-run)

# code checks (configuration: pyproject.toml [tool.ruff] / [tool.mypy], .yamllint.yaml).
#   make lint          ruff check + ruff format --check, shellcheck scripts/*.sh .ci/run, yamllint; all run, then fail
#   make format        ruff check --fix + ruff format (FILES="a.py dir/" to limit it)
#   make types         mypy opschaling/ actions/ nlu_components/ channels/ deploy/ workbench/ documents/ (strict
#                      for engine, catalogue, facts, deadlines)
#   make test-unit     pytest on the folders that need no servers and no browser (seconds; ARGS="-x -k name")
LINT_YAML := catalogue lexicon data scenarios domain.yml config.yml $(wildcard endpoints*.yml) credentials.yml
UNIT_TESTS := tests/catalogue tests/engine tests/dialogue tests/actions tests/safety tests/scenarios tests/documents \
              tests/workbench tests/nlu tests/nlu_components tests/measure tests/channels/test_channels_numbered_options.py
UNIT_MARKERS := not integration and not browser and not rest and not multi and not slow and not postgres and not redis
.PHONY: lint format types test-unit
lint: bootstrap
	@rc=0; \
	echo "==> ruff check"; .venv/bin/ruff check --output-format concise . || rc=1; \
	echo "==> ruff format --check"; .venv/bin/ruff format --check --output-format concise . || rc=1; \
	echo "==> shellcheck"; \
	if command -v shellcheck >/dev/null; then shellcheck -x -P SCRIPTDIR scripts/*.sh .ci/run || rc=1; \
	else echo "shellcheck is missing: make deps (Debian package shellcheck)"; rc=1; fi; \
	echo "==> yamllint"; .venv/bin/yamllint -s $(LINT_YAML) || rc=1; \
	if [[ $$rc == 0 ]]; then echo "lint: clean"; else echo "lint: findings above"; fi; exit $$rc

format: bootstrap
	.venv/bin/ruff check --fix $(or $(FILES),.)
	.venv/bin/ruff format $(or $(FILES),.)

types: bootstrap
	@source scripts/env.sh && $(PY) -m mypy opschaling actions nlu_components channels deploy workbench documents

test-unit: bootstrap
	@source scripts/env.sh && $(PY) -m pytest $(UNIT_TESTS) -m "$(UNIT_MARKERS)" -p no:cacheprovider -q $(ARGS)

# regenerate requirements.lock from requirements.txt in a throw-away venv (needs Python 3.10)
lock:
	@bash scripts/lock.sh

clean:
	rm -rf reports var/log results .pytest_cache
