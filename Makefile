# Emotion Engine — set-up, tests, demo and benchmarks.
# Every target that runs code first makes sure .venv is installed; set-up is skipped when
# pyproject.toml and constraints.txt have not changed since the last install.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXTRAS := demo,display,scale,robot,dev

.PHONY: setup chromium mosquitto gcc test test-fast mutate demo bench lint clean checkpoints docs

setup: $(STAMP) chromium mosquitto gcc

# The C face's tests (tests/test_face_c.py) compile with the system C compiler; installed once.
gcc:
	@test -x /usr/bin/cc || (apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev make)

# The browser test drives Debian's Chromium (never a downloaded browser); installed once.
chromium:
	@test -x /usr/bin/chromium || (apt-get update && apt-get install -y --no-install-recommends chromium chromium-driver)

# The MQTT tests start Debian's mosquitto broker on a free loopback port (mosquitto_pub and
# mosquitto_sub, for docs/face.md's examples, come with it); installed once.
mosquitto:
	@test -x /usr/sbin/mosquitto || (apt-get update && apt-get install -y --no-install-recommends mosquitto mosquitto-clients)

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --quiet -c constraints.txt -e ".[$(EXTRAS)]"
	touch $(STAMP)

test: setup
	$(BIN)/python -m pytest

test-fast: setup
	$(BIN)/python -m pytest -m "not slow"

# Mutation testing of the world rules (minutes; not part of `make test`): mutmut changes the
# rules modules one operator at a time ([tool.mutmut] in pyproject.toml) and runs the fast
# world tests against each change; a mutant is killed when a test fails. It starts afresh each
# time; list the survivors with `$(BIN)/mutmut results`, see one with `$(BIN)/mutmut show NAME`.
mutate: $(STAMP)
	rm -rf mutants
	$(BIN)/mutmut run
	$(BIN)/mutmut export-cicd-stats
	$(BIN)/python -c "import json; s = json.load(open('mutants/mutmut-cicd-stats.json')); \
	  print(f\"mutation score: {s['killed']} of {s['total']} mutants killed ({s['killed'] / s['total']:.1%})\")"

demo: setup
	$(BIN)/emotion-engine demo

# The shipped agents: emotional reward, seed 0, one run per scenario (1M and 2M env steps;
# see `emotion-engine bench --only training` for the speed), evaluated on 200 held-out
# episodes (with each child partner, and in the harsh preset too); the model card records
# what they achieve.
# Training steps per scenario (crisis must also learn to shield, so it trains longer).
STEPS_caretaking ?= 2000000
STEPS_crisis ?= 3000000
# The shipped checkpoints are package data, so that an installed package finds them.
SHIPPED := src/emotion_engine/checkpoints
checkpoints: setup
	for pair in caretaking:$(STEPS_caretaking) crisis:$(STEPS_crisis); do \
	  s=$${pair%:*}; steps=$${pair#*:}; run=runs/$$s-emotional-s0; resume=--overwrite; test -f $$run/state.safetensors && resume=--resume; \
	  $(BIN)/emotion-engine train --scenario $$s --total-steps $$steps --seed 0 --out $$run $$resume && \
	  mkdir -p $(SHIPPED)/$$s && cp $$run/policy.safetensors $$run/policy.json $(SHIPPED)/$$s/ && \
	  $(BIN)/emotion-engine evaluate --scenario $$s --checkpoint $(SHIPPED)/$$s/policy.safetensors --episodes 200 --json > $(SHIPPED)/$$s/evaluation.json && \
	  $(BIN)/emotion-engine evaluate --scenario $$s --checkpoint $(SHIPPED)/$$s/policy.safetensors --episodes 200 --child-policy all --json > $(SHIPPED)/$$s/partners.json && \
	  $(BIN)/emotion-engine evaluate --scenario $$s --checkpoint $(SHIPPED)/$$s/policy.safetensors --episodes 200 --preset harsh --json > $(SHIPPED)/$$s/harsh.json || exit 1; \
	done

# The generated parts of docs/, rewritten only here (the commands' default outputs lie outside
# docs/): the calibration table, the affect tables, and the report of the emergence experiment
# when both scenarios' sweeps (runs/sweep-caretaking, runs/sweep-crisis) exist.
SWEEPS := runs/sweep-caretaking runs/sweep-crisis
docs: $(STAMP)
	$(BIN)/emotion-engine calibrate --episodes 100 --steps 500 --seed 0 --out docs/calibration.md > /dev/null
	$(BIN)/python -c "import pathlib, re; from emotion_engine.affect.docs import tables; \
	  p = pathlib.Path('docs/affect.md'); text = p.read_text(); \
	  text = [text := re.sub(rf'<!-- {n} -->\n.*?\n\n', lambda m: f'<!-- {n} -->\n{t}\n\n', text, flags=re.S) for n, t in tables().items()][-1]; \
	  p.write_text(text); print('wrote docs/affect.md')"
	@if [ -f runs/sweep-caretaking/sweep.json ] && [ -f runs/sweep-crisis/sweep.json ]; then \
	  $(BIN)/emotion-engine results $(SWEEPS:%=--runs %) --out docs/RESULTS.md; \
	else echo "docs/RESULTS.md kept: it needs the sweeps $(SWEEPS) (emotion-engine sweep --out ...)"; fi

bench: setup
	$(BIN)/emotion-engine bench --out benchmarks/results

lint: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/lint-imports --no-cache

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .ruff_cache
