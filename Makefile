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

.PHONY: setup sandbox-tools lab instructor-lab test lint bench clean help
.DEFAULT_GOAL := help

help:
	@echo "make lab    - set up and open the course in JupyterLab"
	@echo "make test   - set up and run every test"
	@echo "make instructor-lab - JupyterLab on the repository root, with formgrader for manual grading"
	@echo "make bench  - set up and run the benchmarks (prints tables, writes benchmarks/results/*.json)"
	@echo "make html   - the static course site in build/site/ (chapters with outputs and widgets, works offline)"
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
	@$(MAKE) --no-print-directory sandbox-tools
	@touch $(STAMP)
	@echo "set-up complete: $(VENV)"

LAB_ARGS ?= $(if $(filter 0,$(shell id -u)),--allow-root)

# The grading sandbox (autograder/sandbox.py) needs bubblewrap: installed here when set-up runs as
# root with apt-get; otherwise set-up says how (autograde then warns and grades unsandboxed).
sandbox-tools:
	@if command -v bwrap >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing bubblewrap (the grading sandbox)"; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap >/dev/null 2>&1 || \
	  { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap >/dev/null 2>&1; } || \
	  echo "warning: could not install bubblewrap; autograde will grade WITHOUT the sandbox"; \
	else echo "note: the grading sandbox needs bubblewrap: sudo apt-get install bubblewrap (Debian/Ubuntu), sudo dnf install bubblewrap (Fedora); until then autograde grades unsandboxed and says so"; fi

# A learner alone: nbgrader's Validate button stays; the Assignments/Courses panels (they need a
# class's exchange, see `make hub`) and the instructor tools (formgrader, create-assignment) are
# disabled and locked (classroom/jupyter/learner). Self-grading: make check EX=ex1_perceptron.
LEARNER_CONFIG := $(CURDIR)/classroom/jupyter/learner

lab: setup
	JUPYTER_CONFIG_PATH="$(LEARNER_CONFIG)$(if $(JUPYTER_CONFIG_PATH),:$(JUPYTER_CONFIG_PATH))" \
		$(BIN)/jupyter lab --ServerApp.root_dir=course $(LAB_ARGS)

# Instructors: JupyterLab on the whole repository, so formgrader (Nbgrader menu) sees the course
# (nbgrader_config.py) for manual grading and browsing submissions.
instructor-lab: setup
	$(BIN)/jupyter lab --ServerApp.root_dir=. $(LAB_ARGS)

lint: setup
	$(BIN)/ruff check .

# Two pytest workers on two cores: one BLAS/optimizer thread each avoids oversubscription.
test: setup lint site-assets
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 $(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile --durations=25 $(PYTEST_ARGS)

bench: setup
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) .pytest_cache benchmarks/results

-include mk/*.mk
