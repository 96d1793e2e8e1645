# Entry points a new user needs: `make demo`, `make test`, `make docs`. All create .venv when missing.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
DOCS_STAMP := $(VENV)/.installed-docs

.PHONY: demo test typecheck wheel docs fuzz bench lint clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,typecheck]'
	touch $(STAMP)

$(DOCS_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[test,typecheck,docs]'
	touch $(DOCS_STAMP)

demo: $(STAMP)
	MPLBACKEND=Agg $(PY) tutorials/run_notebook.py tutorials/ei_network.ipynb --figures figures

# the type check first (a few seconds), then the suite; CI (.ci/run) runs this target
test: typecheck
	MPLBACKEND=Agg $(PY) -m pytest -q

# Thousands of seeded random graphs against their oracles (tests/fuzz); FUZZ_N sets how many.
FUZZ_N ?= 2000
fuzz: $(STAMP)
	$(PY) -m tests.fuzz --n $(FUZZ_N)

# mypy over src/neuroproc with the [tool.mypy] settings of pyproject.toml
typecheck: $(STAMP)
	$(PY) -m mypy

# Build the wheel as a user's pip would (isolated build environment) and fail on any
# deprecation warning from the build backend (tests/test_packaging.py checks the same).
wheel: $(STAMP)
	rm -rf build/wheel && mkdir -p build/wheel
	$(PY) -m pip wheel . --no-deps -v -w build/wheel > build/wheel/build.log 2>&1 \
		|| { tail -40 build/wheel/build.log; exit 1; }
	@if grep -i "deprecat" build/wheel/build.log; then \
		echo "wheel build printed deprecation warnings (see above)"; exit 1; fi
	@ls build/wheel/*.whl

# HTML documentation in docs/_build/html: the tutorials are executed first (no Jupyter kernel
# needed), then Sphinx builds with warnings as errors.
docs: $(DOCS_STAMP)
	MPLBACKEND=Agg $(PY) docs/execute_notebooks.py tutorials/*.ipynb --out docs/_generated/tutorials
	$(PY) -m sphinx -W --keep-going -b html -d docs/_build/doctrees docs docs/_build/html
	@echo "Open docs/_build/html/index.html"

bench: $(STAMP)
	for b in benchmarks/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

lint: typecheck
	$(PY) -m compileall -q src tests benchmarks

clean:
	rm -rf $(VENV) figures build src/*.egg-info docs/_build docs/_generated docs/api/generated
