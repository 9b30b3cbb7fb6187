"""The layering rules of docs/architecture.md, checked on the code itself."""

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORE_MODULES = [
    "nnbasics",
    "nnbasics.activations",
    "nnbasics.losses",
    "nnbasics.initializers",
    "nnbasics.layers",
    "nnbasics.regularization",
    "nnbasics.optimizers",
    "nnbasics.model",
    "nnbasics.gradcheck",
    "nnbasics.metrics",
    "nnbasics.datasets",
    "nnbasics.diagnostics",
    "nnbasics.grading",
]
# every numpy module of chapters 4-5 too (nnbasics.advanced.* : figures import matplotlib lazily)
CORE_MODULES += [
    f"nnbasics.advanced.{path.stem}"
    for path in sorted((ROOT / "nnbasics" / "advanced").glob("*.py"))
    if path.stem != "__init__"
]
HEAVY = ["matplotlib", "ipywidgets", "torch", "torchvision", "tqdm"]
EXERCISE_ALLOWED = {"nnbasics.datasets", "nnbasics.plots", "nnbasics.grading"}


def test_numpy_core_imports_no_plotting_widgets_torch_or_tqdm():
    code = (
        f"import sys\nfor name in {CORE_MODULES!r}: __import__(name)\nprint([m for m in {HEAVY!r} if m in sys.modules])"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]", f"the core pulled in {result.stdout.strip()} at import time"


def _imported_modules(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            # `from package import name` imports package.name (a module or an attribute)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_autograder_never_imports_the_network_code():
    offenders = []
    for path in (ROOT / "autograder").rglob("*.py"):
        imported = _imported_modules(ast.parse(path.read_text()))
        if any(name == "nnbasics" or name.startswith("nnbasics.") for name in imported):
            offenders.append(str(path.relative_to(ROOT)))
    assert not offenders, f"autograder modules import nnbasics: {offenders}"


def _code_cells(notebook_path: Path) -> list[str]:
    notebook = json.loads(notebook_path.read_text())
    return ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code"]


EXERCISE_NOTEBOOKS = sorted((ROOT / "solutions").rglob("*.ipynb")) + sorted(
    (ROOT / "course" / "exercises").rglob("*.ipynb")
)


@pytest.mark.parametrize("path", EXERCISE_NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_exercises_do_not_import_the_core_solutions(path):
    for source in _code_cells(path):
        cleaned = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
        try:
            tree = ast.parse(cleaned)
        except SyntaxError:
            continue  # a student cell with a placeholder; nothing imported from it
        for name in _imported_modules(tree):
            if name == "nnbasics" or name.startswith("nnbasics."):
                assert any(name == ok or name.startswith(ok + ".") for ok in EXERCISE_ALLOWED), (
                    f"{path.name} imports {name}: exercises may only use {sorted(EXERCISE_ALLOWED)}"
                )


ALL_NOTEBOOKS = sorted(p for p in ROOT.glob("**/*.ipynb") if ".venv" not in p.parts and "autograder" not in p.parts)


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_notebooks_are_committed_clean(path):
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata["kernelspec"]["name"] == "python3"
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            assert not cell.outputs, f"cell {index} of {path.name} has outputs: commit notebooks cleared"
            assert cell.execution_count is None, f"cell {index} of {path.name} has an execution count"
