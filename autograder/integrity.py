"""Cheat detection: static analysis of the cells a student wrote.

Student code runs in the same kernel as the tests, so it can replace what the tests rely on:
``np.allclose = lambda *a, **k: True``, ``builtins.abs = ...``, ``grading.check_close = ...``,
``sys.modules["numpy"] = fake``. The sandbox cannot stop that; reading the code can. For every
code cell that is not locked (locked cells are restored from the release before grading),
:func:`integrity_findings` parses the source (IPython magics translated first) and reports:

- attribute assignment / deletion / ``setattr`` / ``delattr`` on ``numpy``, ``nnbasics`` (the test
  helpers live in ``nnbasics.grading``), ``builtins`` / ``__builtins__``, ``sys`` and ``math``,
  through any alias (``import numpy as xp``; ``from numpy import linalg``);
- writes into a protected module's ``__dict__`` or into ``globals()``;
- any change to ``sys.modules`` (item assignment, deletion, ``update``/``pop``/...);
- rebinding a name that a locked cell imported (``np = fake``, ``def check_close(...)``), except
  importing the same module again;
- ``exec``/``eval``/``compile`` of code that is not a plain string (it cannot be checked), and
  the same checks inside plain strings given to them.

Each finding reads like ``rebinds np.allclose, np.isclose in cell 5 (sigmoid)``.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

PROTECTED_ROOTS = ("numpy", "nnbasics", "builtins", "sys", "math")
SYS_MODULES_MUTATORS = {"update", "pop", "popitem", "setdefault", "clear", "__setitem__", "__delitem__"}
DYNAMIC_CODE = {"exec", "eval", "compile"}


def _python_source(source: str) -> str:
    """Cell source with IPython syntax (``%magic``, ``!cmd``) turned into Python."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager

        return TransformerManager().transform_cell(source)
    except Exception:  # noqa: BLE001 - fall back to the raw source
        return source


@dataclass
class _Scope:
    """Which local names stand for which protected module (``np`` -> ``numpy``)."""

    aliases: dict[str, str] = field(default_factory=lambda: {"__builtins__": "builtins"})
    locked_names: dict[str, str] = field(default_factory=dict)  # name -> module it was imported from

    def learn_imports(self, tree: ast.AST, locked: bool) -> None:
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    bound = alias.asname or alias.name.split(".")[0]
                    target = alias.name if alias.asname else alias.name.split(".")[0]
                    self._bind(bound, target, locked)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for alias in node.names:
                    self._bind(alias.asname or alias.name, f"{node.module}.{alias.name}", locked)

    def _bind(self, name: str, module: str, locked: bool) -> None:
        if module.split(".")[0] in PROTECTED_ROOTS:
            self.aliases[name] = module
            if locked:
                self.locked_names[name] = module

    def module_of(self, node: ast.AST) -> str | None:
        """``np.linalg`` -> ``numpy.linalg`` when the expression names a protected module."""
        if isinstance(node, ast.Name):
            return self.aliases.get(node.id)
        if isinstance(node, ast.Attribute):
            base = self.module_of(node.value)
            return f"{base}.{node.attr}" if base else None
        return None


def _shown(node: ast.AST) -> str:
    try:
        return ast.unparse(node)
    except Exception:  # noqa: BLE001
        return type(node).__name__


class _CellChecker(ast.NodeVisitor):
    """Collects the integrity problems of one cell's syntax tree."""

    def __init__(self, scope: _Scope) -> None:
        self.scope = scope
        self.rebinds: list[str] = []
        self.other: list[str] = []

    # --- targets of assignment / deletion -------------------------------------------------
    def _target(self, target: ast.AST, verb: str) -> None:
        if isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._target(element, verb)
        elif isinstance(target, ast.Starred):
            self._target(target.value, verb)
        elif isinstance(target, ast.Attribute) and self.scope.module_of(target.value):
            (self.rebinds if verb == "rebinds" else self.other).append(
                _shown(target) if verb == "rebinds" else f"deletes {_shown(target)}")
        elif isinstance(target, ast.Subscript):
            self._subscript_target(target, verb)
        elif isinstance(target, ast.Name):
            self._name_binding(target.id)

    def _subscript_target(self, target: ast.Subscript, verb: str) -> None:
        container = target.value
        if _is_sys_modules(container, self.scope):
            self.other.append(f"edits sys.modules ({_shown(target)})")
        elif isinstance(container, ast.Attribute) and container.attr == "__dict__" \
                and self.scope.module_of(container.value):
            self.rebinds.append(_shown(target))
        elif isinstance(container, ast.Call) and _called_name(container) in {"globals", "vars"}:
            self.other.append(f"writes {_shown(target)}")
        elif isinstance(container, ast.Name) and self.scope.aliases.get(container.id) == "builtins":
            self.rebinds.append(_shown(target))

    def _name_binding(self, name: str) -> None:
        if name in self.scope.locked_names:
            self.rebinds.append(name)

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            self._target(target, "rebinds")
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._target(node.target, "rebinds")
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self._target(node.target, "rebinds")
        self.generic_visit(node)

    def visit_Delete(self, node: ast.Delete) -> None:
        for target in node.targets:
            self._target(target, "deletes")
        self.generic_visit(node)

    def visit_For(self, node: ast.For) -> None:
        self._target(node.target, "rebinds")
        self.generic_visit(node)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._name_binding(node.name)
        self.generic_visit(node)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:  # noqa: N802 - ast API
        self._name_binding(node.name)
        self.generic_visit(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._name_binding(node.name)
        self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            bound = alias.asname or alias.name.split(".")[0]
            target = alias.name if alias.asname else alias.name.split(".")[0]
            self._import_binding(bound, target)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        for alias in node.names:
            self._import_binding(alias.asname or alias.name, f"{node.module or ''}.{alias.name}")

    def _import_binding(self, name: str, module: str) -> None:
        if name in self.scope.locked_names and self.scope.locked_names[name] != module:
            self.rebinds.append(name)

    # --- calls ---------------------------------------------------------------------------
    def visit_Call(self, node: ast.Call) -> None:
        called = _called_name(node)
        if called in {"setattr", "delattr"} and node.args and self.scope.module_of(node.args[0]):
            attribute = node.args[1] if len(node.args) > 1 else None
            name = attribute.value if isinstance(attribute, ast.Constant) else "?"
            shown = f"{_shown(node.args[0])}.{name}"
            if called == "setattr":
                self.rebinds.append(shown)
            else:
                self.other.append(f"deletes {shown}")
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in SYS_MODULES_MUTATORS \
                and _is_sys_modules(func.value, self.scope):
            self.other.append(f"edits sys.modules ({func.attr})")
        if called in DYNAMIC_CODE and node.args:
            code = node.args[0]
            if isinstance(code, ast.Constant) and isinstance(code.value, str):
                self._visit_code(code.value)
            else:
                self.other.append(f"runs code it builds at run time ({called})")
        if isinstance(func, ast.Attribute) and func.attr in {"run_line_magic", "run_cell_magic"}:
            for argument in node.args[1:]:  # %time / %%timeit ... run their text as code
                if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                    self._visit_code(argument.value)
        self.generic_visit(node)

    def _visit_code(self, text: str) -> None:
        try:
            self.visit(ast.parse(_python_source(text)))
        except SyntaxError:
            pass


def _called_name(node: ast.Call) -> str | None:
    return node.func.id if isinstance(node.func, ast.Name) else None


def _is_sys_modules(node: ast.AST, scope: _Scope) -> bool:
    return scope.module_of(node) == "sys.modules"


def _cell_label(index: int, cell: nbformat.NotebookNode) -> str:
    grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
    return f"cell {index + 1}" + (f" ({grade_id})" if grade_id else "")


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def notebook_findings(notebook: nbformat.NotebookNode, name: str = "") -> list[str]:
    """Integrity problems of one submitted notebook, one string per cell that has any."""
    scope = _Scope()
    parsed: list[tuple[int, nbformat.NotebookNode, ast.AST]] = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(_python_source(cell.source))
        except SyntaxError:
            continue  # the kernel reports it; nothing can run from this cell
        locked = bool(cell.metadata.get("nbgrader", {}).get("locked"))
        scope.learn_imports(tree, locked)
        if not locked:
            parsed.append((index, cell, tree))
    prefix = f"{name}: " if name else ""
    findings = []
    for index, cell, tree in parsed:
        checker = _CellChecker(scope)
        checker.visit(tree)
        where = _cell_label(index, cell)
        if checker.rebinds:
            findings.append(f"{prefix}rebinds {', '.join(_unique(checker.rebinds))} in {where}")
        for problem in _unique(checker.other):
            findings.append(f"{prefix}{problem} in {where}")
    return findings


def integrity_findings(folder: Path, notebooks: list[str]) -> list[str]:
    """Integrity problems of a submission folder's ``notebooks`` (names without ``.ipynb``)."""
    findings = []
    for name in notebooks:
        path = folder / f"{name}.ipynb"
        notebook = nbformat.read(path, as_version=4)
        findings += notebook_findings(notebook, f"{name}.ipynb" if len(notebooks) > 1 else "")
    return findings
