# Two entry points a new user needs: `make demo` and `make test`. Both create .venv when missing.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo test fuzz bench lint clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	MPLBACKEND=Agg $(PY) tutorials/run_notebook.py tutorials/ei_network.ipynb --figures figures

test: $(STAMP)
	MPLBACKEND=Agg $(PY) -m pytest -q

# Thousands of seeded random graphs against their oracles (tests/fuzz); FUZZ_N sets how many.
FUZZ_N ?= 2000
fuzz: $(STAMP)
	$(PY) -m tests.fuzz --n $(FUZZ_N)

bench: $(STAMP)
	for b in benchmarks/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

lint: $(STAMP)
	$(PY) -m compileall -q src tests benchmarks

clean:
	rm -rf $(VENV) figures build src/*.egg-info
