# Two commands for a new user: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
INDEX ?= index
export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: run test install ingest eval clean

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

run: install $(INDEX)/CURRENT
	$(VENV)/bin/rag ask "Phong Thổ có bao nhiêu đảng viên?" --index $(INDEX)

test: install
	$(PY) -m pytest

eval: install $(INDEX)/CURRENT
	$(VENV)/bin/rag eval eval/facts.jsonl --index $(INDEX)

clean:
	rm -rf $(VENV) $(INDEX)/gen-* $(INDEX)/CURRENT $(INDEX)/.lock
