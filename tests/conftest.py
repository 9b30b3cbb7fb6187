"""Shared test set-up: the data directory, a headless matplotlib, and the tests' helpers on sys.path."""

import os
import sys
from pathlib import Path

TESTS_DIR = Path(__file__).resolve().parent
REPO_ROOT = TESTS_DIR.parent
sys.path.insert(0, str(TESTS_DIR))

os.environ.setdefault("MPLBACKEND", "Agg")
# pytest runs two workers on two cores: one BLAS thread each avoids oversubscription, which
# slows NumPy matrix code 10-40x (notebook kernels inherit this environment).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
_shared_data = REPO_ROOT.parent / "shared" / "data"
if "NNBASICS_DATA" not in os.environ and (_shared_data / "MNIST" / "raw").is_dir():
    os.environ["NNBASICS_DATA"] = str(_shared_data)
