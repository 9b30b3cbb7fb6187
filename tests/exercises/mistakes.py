"""The mistake catalog: plausible wrong answers to the graded exercises, and what grading must say.

Each :class:`Mistake` replaces the source of ONE answer cell (found by its nbgrader ``grade_id``)
of a solution notebook with a wrong version a student could write, most of them the common
mistakes the tutorial lists for its level (zero or non-random initialization, the tutorial's own
``+=`` update, wrong gradients, a learning rate too high or too low, data not normalized,
overfitting). ``expected_hint`` is a substring the failing test's message (hence the feedback) must
contain; ``affected_tests`` are the grade_ids of the test cells that must lose points. With
``partial`` (the default) each of them keeps the share of its named checks that still pass,
strictly between 0 and its points. Every other test cell must still pass, which is what makes
the partial credit meaningful.

Used by ``tests/exercises/test_solutions.py`` (runs each variant with nbclient) and by the
autograder's end-to-end outcome tests (builds a submission from each variant).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import nbformat

REPO_ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS_DIR = REPO_ROOT / "solutions"

NOTEBOOKS = {
    "ex1_perceptron": "perceptron.ipynb",
    "ex2_xor": "xor_mlp.ipynb",
    "ex3_mnist": "mnist_mlp.ipynb",
}


@dataclass(frozen=True)
class Mistake:
    """One wrong answer cell and the feedback it must produce."""

    name: str
    assignment: str
    notebook: str
    grade_id: str
    replacement_source: str
    expected_hint: str
    affected_tests: tuple[str, ...]
    partial: bool = True

    @property
    def source_path(self) -> Path:
        """The solution notebook this mistake modifies."""
        return SOLUTIONS_DIR / self.assignment / self.notebook


def cell_with_grade_id(notebook: nbformat.NotebookNode, grade_id: str) -> nbformat.NotebookNode:
    """The cell whose nbgrader metadata has ``grade_id``; KeyError naming the known ids otherwise."""
    known = []
    for cell in notebook.cells:
        cell_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if cell_id == grade_id:
            return cell
        if cell_id:
            known.append(cell_id)
    raise KeyError(f"no cell with grade_id {grade_id!r}; known: {known}")


def apply_mistake(mistake: Mistake, notebook: nbformat.NotebookNode | None = None) -> nbformat.NotebookNode:
    """A copy of ``notebook`` (default: the solution notebook) with the mistake's cell replaced."""
    if notebook is None:
        notebook = nbformat.read(mistake.source_path, as_version=4)
    changed = nbformat.from_dict(notebook)
    cell_with_grade_id(changed, mistake.grade_id).source = mistake.replacement_source
    return changed


# ---------------------------------------------------------------- ex1_perceptron ---------------

_PERCEPTRON_TEMPLATE = '''class Perceptron:
    def __init__(self, n_features, learning_rate=0.1, seed=0):
        rng = np.random.default_rng(seed)
        self.n_features = n_features
        self.learning_rate = learning_rate
        self.weights = {weights}
        self.bias = 0.0
        self.errors_ = []

    def predict(self, X):
        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or X.shape[1] != self.n_features:
            raise ValueError(f"expected X of shape (n, {{self.n_features}}), got {{X.shape}}")
        return step(X @ self.weights + self.bias)

    def fit(self, X, y, epochs=100):
        self.errors_ = []
        for _ in range(epochs):
            mistakes = 0
            for xi, target in zip(X, y, strict=True):
                y_hat = int(step(xi @ self.weights + self.bias))
                change = {change}
                self.weights = self.weights + change * xi
                self.bias = self.bias + change
                mistakes += int(y_hat != target)
            self.errors_.append(mistakes)
            if mistakes == 0:
                break
        return self
'''

EX1 = ("ex1_perceptron", NOTEBOOKS["ex1_perceptron"])

EX1_MISTAKES = [
    Mistake(
        "perceptron_zero_init", *EX1, "Perceptron",
        _PERCEPTRON_TEMPLATE.format(weights="np.zeros(n_features)",
                                    change="self.learning_rate * (target - y_hat)"),
        "Hint [zero initialization]", ("test_Perceptron",),
    ),
    Mistake(
        "perceptron_constant_init", *EX1, "Perceptron",
        _PERCEPTRON_TEMPLATE.format(weights="np.full(n_features, 0.5)",
                                    change="self.learning_rate * (target - y_hat)"),
        "Hint [non-random initialization]", ("test_Perceptron",),
    ),
    Mistake(
        "perceptron_ignores_learning_rate", *EX1, "Perceptron",
        _PERCEPTRON_TEMPLATE.format(weights="rng.normal(0.0, 0.5, n_features)",
                                    change="float(target - y_hat)"),
        "Hint [incorrect learning rate]", ("test_Perceptron",),
    ),
    Mistake(
        "step_strict_inequality", *EX1, "step",
        "def step(z):\n    return (np.asarray(z) > 0).astype(int)\n",
        "step(z): wrong value at index (2,): expected 1, got 0", ("test_step",),
    ),
    Mistake(
        "quadratic_features_missing_square", *EX1, "quadratic_features",
        "def quadratic_features(X):\n    X = np.asarray(X, dtype=float)\n    return np.column_stack([X, X[:, 0]])\n",
        "the boundary y = x**2 must be linear in the features", ("test_quadratic_features",),
    ),
    Mistake(
        "quadratic_features_without_value_error", *EX1, "quadratic_features",
        "def quadratic_features(X):\n    X = np.asarray(X, dtype=float)\n"
        "    return np.column_stack([X, X[:, 0] ** 2])\n",
        "X of shape (4, 3) is rejected with a ValueError", ("test_quadratic_features",),
    ),
    Mistake(
        "numpy_tampering", *EX1, "quadratic_features",
        "np.allclose = lambda *args, **kwargs: True\n\n\n"
        "def quadratic_features(X):\n    return np.asarray(X, dtype=float)\n",
        "numpy was modified: np.allclose no longer is numpy's own function", ("test_quadratic_features",),
        partial=False,  # no check of a notebook that rebinds numpy can be trusted
    ),
]

# ---------------------------------------------------------------- ex2_xor -----------------------

EX2 = ("ex2_xor", NOTEBOOKS["ex2_xor"])

_TRAIN_XOR = '''def train_xor(hidden_size=4, learning_rate={rate}, epochs=2000, seed=0):
    X, y = datasets.xor_table()
    params = init_params(2, hidden_size, 1, seed=seed)
    losses = []
    for _ in range(epochs):
        output, cache = forward(params, X)
        losses.append(mse_loss(y, output))
        grads = backward(params, cache, X, y)
        params = update(params, grads, learning_rate)
    return params, losses
'''

_BACKWARD = '''def backward(params, cache, X, y):
    A1, A2 = cache["A1"], cache["A2"]
    delta2 = {delta2}
    delta1 = (delta2 @ params["W2"].T) * sigmoid_derivative(A1)
    return {{
        "dW1": X.T @ delta1,
        "db1": delta1.sum(axis=0, keepdims=True),
        "dW2": A1.T @ delta2,
        "db2": delta2.sum(axis=0, keepdims=True),
    }}
'''

EX2_MISTAKES = [
    Mistake(
        "xor_zero_init", *EX2, "init_params",
        '''def init_params(n_in, n_hidden, n_out, seed=0):
    return {"W1": np.zeros((n_in, n_hidden)), "b1": np.zeros((1, n_hidden)),
            "W2": np.zeros((n_hidden, n_out)), "b2": np.zeros((1, n_out))}
''',
        "Hint [zero initialization]", ("test_init_params", "test_train_xor"),
    ),
    Mistake(
        "xor_tutorial_ascent_update", *EX2, "update",
        '''def update(params, grads, learning_rate):
    # the tutorial's code: self.weights_ho += learning_rate * ...
    return {name: value + learning_rate * grads["d" + name] for name, value in params.items()}
''',
        "Hint [gradient ascent instead of descent]", ("test_update", "test_train_xor"),
    ),
    Mistake(
        "xor_missing_output_sigmoid_derivative", *EX2, "backward",
        _BACKWARD.format(delta2="2.0 * (A2 - y) / y.size"),
        "Hint [wrong gradients]", ("test_backward",),
    ),
    Mistake(
        "xor_backward_sign_flipped", *EX2, "backward",
        _BACKWARD.format(delta2="2.0 * (y - A2) / y.size * sigmoid_derivative(A2)"),
        "Hint [gradient sign]", ("test_backward", "test_train_xor"),
    ),
    Mistake(
        "xor_learning_rate_too_high", *EX2, "train_xor",
        _TRAIN_XOR.format(rate="200.0"),
        "Hint [learning rate too high]", ("test_train_xor",),
    ),
    Mistake(
        "xor_learning_rate_too_low", *EX2, "train_xor",
        _TRAIN_XOR.format(rate="0.01"),
        "Hint [learning rate too low]", ("test_train_xor",),
    ),
    Mistake(
        "xor_unstable_sigmoid", *EX2, "sigmoid",
        "def sigmoid(z):\n    return 1 / (1 + np.exp(-z))\n",
        "Hint [numerical instability]", ("test_sigmoid",),
    ),
    Mistake(
        "xor_sigmoid_derivative_of_output", *EX2, "sigmoid_derivative",
        "def sigmoid_derivative(a):\n    return sigmoid(a) * (1 - sigmoid(a))\n",
        "Hint [derivative of the output]", ("test_sigmoid_derivative", "test_backward", "test_train_xor"),
    ),
]

# ---------------------------------------------------------------- ex3_mnist ---------------------

EX3 = ("ex3_mnist", NOTEBOOKS["ex3_mnist"])

_MODEL = '''model = MLP({sizes}, seed=0)
optimizer = Adam(learning_rate={rate})
history = train(model, {X}, {Y}, epochs={epochs}, batch_size={batch}, optimizer=optimizer, seed=0)
print("training loss per epoch:", np.round(history["loss"], 4))
'''

EX3_MISTAKES = [
    Mistake(
        "mnist_not_normalized", *EX3, "normalize",
        "def normalize(X):\n    X = np.asarray(X)\n    return X.reshape(len(X), -1).astype(np.float32)\n",
        "Hint [data not normalized]", ("test_normalize", "test_model"),
    ),
    Mistake(
        "mnist_overfitting", *EX3, "model",
        _MODEL.format(sizes="[784, 256, 10]", rate="1e-3", X="X_train[:1000]", Y="Y_train[:1000]",
                      epochs=40, batch=100),
        "Hint [overfitting]", ("test_model",),
    ),
    Mistake(
        "mnist_learning_rate_too_high", *EX3, "model",
        _MODEL.format(sizes="[784, 128, 64, 10]", rate="0.05", X="X_train", Y="Y_train", epochs=2, batch=128),
        "Hint [learning rate too high]", ("test_model",),
    ),
    Mistake(
        "mnist_adam_ascent", *EX3, "Adam",
        '''class Adam:
    def __init__(self, learning_rate=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        self.learning_rate, self.beta1, self.beta2, self.eps = learning_rate, beta1, beta2, eps
        self.m, self.v, self.t = {}, {}, 0

    def step(self, params, grads):
        self.t += 1
        for name, grad in grads.items():
            m = self.beta1 * self.m.get(name, 0.0) + (1 - self.beta1) * grad
            v = self.beta2 * self.v.get(name, 0.0) + (1 - self.beta2) * grad * grad
            self.m[name], self.v[name] = m, v
            m_hat, v_hat = m / (1 - self.beta1 ** self.t), v / (1 - self.beta2 ** self.t)
            params[name] += (self.learning_rate * m_hat / (np.sqrt(v_hat) + self.eps)).astype(params[name].dtype)
''',
        "Hint [gradient ascent instead of descent]", ("test_Adam", "test_model"),
    ),
    Mistake(
        "mnist_zero_init", *EX3, "MLP",
        "",  # filled below from the solution's MLP, with zero weights
        "Hint [zero initialization]", ("test_MLP", "test_model", "test_MLP_regularization"),
    ),
    Mistake(
        "mnist_unstable_softmax", *EX3, "softmax",
        "def softmax(z):\n    e = np.exp(z)\n    return e / np.sum(e, axis=1, keepdims=True)\n",
        "Hint [numerical instability]", ("test_softmax",),
    ),
    Mistake(
        "mnist_unclipped_cross_entropy", *EX3, "cross_entropy",
        "def cross_entropy(probs, Y):\n    return float(-np.sum(Y * np.log(probs)) / len(Y))\n",
        "Hint [numerical instability]", ("test_cross_entropy",),
    ),
]


def _solution_source(assignment: str, grade_id: str) -> str:
    notebook = nbformat.read(SOLUTIONS_DIR / assignment / NOTEBOOKS[assignment], as_version=4)
    lines = cell_with_grade_id(notebook, grade_id).source.splitlines()
    return "\n".join(line for line in lines if "### BEGIN SOLUTION" not in line and "### END SOLUTION" not in line)


def _zero_init_mlp() -> str:
    source = _solution_source("ex3_mnist", "MLP")
    wrong = source.replace(
        "(self.rng.standard_normal((n_in, n_out)) * std).astype(np.float32)",
        "np.zeros((n_in, n_out), dtype=np.float32)",
    )
    if wrong == source:
        raise RuntimeError("the MLP solution changed: update the zero-init mistake in tests/exercises/mistakes.py")
    return wrong + "\n"


EX3_MISTAKES = [
    dataclasses.replace(m, replacement_source=_zero_init_mlp()) if m.name == "mnist_zero_init" else m
    for m in EX3_MISTAKES
]

MISTAKES: list[Mistake] = [*EX1_MISTAKES, *EX2_MISTAKES, *EX3_MISTAKES]


@dataclass(frozen=True)
class TestCellResult:
    """How one graded test cell ended.

    ``score``: the points nbgrader gives it (the value of ``checks.score()``, 0 after an error);
    ``failed_checks``: description -> the row's text (error and hint) of each failed named check;
    ``error``: ``"ename: evalue"`` when the cell itself raised, else None.
    """

    grade_id: str
    points: float
    score: float
    failed_checks: dict[str, str]
    error: str | None

    @property
    def passed(self) -> bool:
        return self.error is None and self.score >= self.points and not self.failed_checks

    @property
    def partial(self) -> bool:
        """Some but not all of the points."""
        return 0 < self.score < self.points

    def feedback(self) -> str:
        """Everything a student reads about this cell: the error, then each failed check's row."""
        parts = [self.error or ""] + [f"{name}: {text}" for name, text in self.failed_checks.items()]
        return "\n".join(part for part in parts if part)


def _failed_checks(cell) -> dict[str, str]:
    """The failed rows of the cell's check table (``nnbasics.grading.CHECKS_MIME``)."""
    from nnbasics.grading import CHECKS_MIME

    failed = {}
    for output in cell.get("outputs", []):
        table = output.get("data", {}).get(CHECKS_MIME)
        for check in (table or {}).get("checks", []):
            if not check["passed"]:
                failed[check["description"]] = " ".join(filter(None, [check["error"], check["hint"]]))
    return failed


def run_graded_cells(
    notebook: nbformat.NotebookNode, cwd: Path, timeout: int = 300
) -> dict[str, TestCellResult]:
    """Execute ``notebook`` top to bottom (errors do not stop it, as in autograding) and report
    every test cell (``grade: true`` code cells) by grade_id, scored the way nbgrader scores it."""
    from nbclient import NotebookClient
    from nbgrader.utils import determine_grade

    executed = nbformat.from_dict(notebook)
    NotebookClient(
        executed, timeout=timeout, kernel_name="python3", allow_errors=True,
        resources={"metadata": {"path": str(cwd)}},
    ).execute()
    results = {}
    for cell in executed.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type != "code" or not meta.get("grade"):
            continue
        errors = [
            f"{out['ename']}: {out['evalue']}"
            for out in cell.get("outputs", [])
            if out.get("output_type") == "error"
        ]
        score, points = determine_grade(cell)
        grade_id = meta["grade_id"]
        results[grade_id] = TestCellResult(
            grade_id, float(points), float(score), _failed_checks(cell), errors[0] if errors else None
        )
    return results
