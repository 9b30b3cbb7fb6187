# Neural Networks Basics: the course's commands.
#   make lab    set up (if needed) and open the course in JupyterLab
#   make test   set up (if needed) and run every test
# Set-up is idempotent: it reinstalls only when requirements or pyproject.toml change.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.setup-stamp
# MNIST's data directory: $NNBASICS_DATA if set; else the checkout's neighbouring shared/data
# (CI and the course's own machines); else the user cache, where torchvision downloads it.
export NNBASICS_DATA ?= $(if $(wildcard ../shared/data/MNIST/raw),$(abspath ../shared/data),$(HOME)/.cache/nnbasics/data)
export MPLBACKEND ?= Agg
PYTEST_WORKERS ?= 2

.PHONY: setup lab instructor-lab test lint bench clean help
.DEFAULT_GOAL := help

help:
	@echo "make lab    - set up and open the course in JupyterLab"
	@echo "make test   - set up and run every test"
	@echo "make instructor-lab - JupyterLab on the repository root, with formgrader for manual grading"
	@echo "make bench  - set up and run the benchmarks (prints tables, writes benchmarks/results/*.json)"
	@echo "make validate NB=path   - run a notebook's visible tests"
	@echo "make check EX=ex1_perceptron   - self-grade your exercise with the full tests"
	@echo "make release|collect|autograde|feedback|report   - instructor pipeline (see README)"

setup: $(STAMP)

$(STAMP): requirements.txt requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -r requirements.txt -c requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (nnbasics)" >/dev/null
	@touch $(STAMP)
	@echo "set-up complete: $(VENV)"

LAB_ARGS ?= $(if $(filter 0,$(shell id -u)),--allow-root)

lab: setup
	$(BIN)/jupyter lab --ServerApp.root_dir=course $(LAB_ARGS)

# Instructors: JupyterLab on the whole repository, so formgrader (Nbgrader menu) sees the course
# (nbgrader_config.py) for manual grading and browsing submissions.
instructor-lab: setup
	$(BIN)/jupyter lab --ServerApp.root_dir=. $(LAB_ARGS)

lint: setup
	$(BIN)/ruff check .

# Two pytest workers on two cores: one BLAS/optimizer thread each avoids oversubscription.
test: setup lint
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 $(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile --durations=25 $(PYTEST_ARGS)

bench: setup
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) .pytest_cache benchmarks/results

-include mk/*.mk
