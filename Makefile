# Two commands for a new user: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
INDEX ?= index
HOST ?= 127.0.0.1
PORT ?= 8000
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: run test install browser ingest eval bench train-reader clean

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	# torch first, pinned to the CPU build on disk; the project's range then installs nothing more.
	$(PIP) install --quiet torch==2.13.0
	$(PIP) install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

$(INDEX)/CURRENT: | install
	$(VENV)/bin/rag ingest --index $(INDEX)

ingest: install
	$(VENV)/bin/rag ingest --index $(INDEX)

# The web chat and HTTP API on the shipped corpus; prints the URL to open.
run: install $(INDEX)/CURRENT
	$(VENV)/bin/rag serve --index $(INDEX) --host $(HOST) --port $(PORT)

# The browser tests drive Debian's Chromium (never `playwright install`, which downloads one).
browser:
	@test -x $(CHROMIUM) || { $(SUDO) apt-get update && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends chromium fonts-dejavu-core; }

test: install browser
	$(PY) -m pytest

eval: install $(INDEX)/CURRENT
	$(VENV)/bin/rag eval eval/facts.jsonl --index $(INDEX)
	$(VENV)/bin/rag eval eval/conversations.jsonl --index $(INDEX)
	$(VENV)/bin/rag eval eval/overviews.jsonl --index $(INDEX)

# Latency against LangChain, ingest throughput, memory, growth to 1M chunks (README, "Benchmarks").
# About half an hour on two cores; writes benchmarks/results.json.
bench: install
	$(PY) benchmarks/run.py --out benchmarks/results.json

# The trained reader (docs/reader.md): synthetic Vietnamese questions from viwiki, then resumable
# runs (XQuAD articles 0–15 in 11 languages; those with the synthetic set; a second pass; the
# written Vietnamese questions of training/questions/), chosen on XQuAD-vi articles 16–23, then
# calibrated there (the written stage reads round2-* and written-*: the count questions, counts-*,
# did not help). About two and a half hours on two cores;
# rerun after an interruption and each step continues from its checkpoint.
RUNS := training/runs
train-reader: install
	test -s $(RUNS)/synthetic.jsonl || $(PY) training/synthetic.py --out $(RUNS)/synthetic.jsonl --limit 60000
	$(PY) -m training.train --out $(RUNS)/stage1 --eval-every 100
	$(PY) -m training.train --out $(RUNS)/stage2 --init $(RUNS)/stage1/best.safetensors \
		--synthetic $(RUNS)/synthetic.jsonl --synthetic-limit 10000 --eval-every 100 --max-steps 300
	$(PY) -m training.train --out $(RUNS)/stage3 --init $(RUNS)/stage1/best.safetensors --lr 3e-5 --eval-every 50
	$(PY) -m training.train --out $(RUNS)/written --init $(RUNS)/stage3/best.safetensors --no-xquad \
		--written 1 --written-files 'round2-*.jsonl,written-*.jsonl' --lr 3e-5 --eval-every 50
	$(PY) -m training.choose $(RUNS)/stage1 $(RUNS)/stage2 $(RUNS)/stage3 $(RUNS)/written --to rag/reader/span-reader.safetensors
	$(PY) eval/calibrate.py --reader neural
	$(PY) eval/calibrate.py --reader combined

clean:
	rm -rf $(VENV) $(INDEX)/gen-* $(INDEX)/CURRENT $(INDEX)/.lock
