"""The catalog of hints: one entry per common mistake the tutorial warns about.

A failing test names the mistake it recognised, so the feedback teaches rather than only saying
"wrong": ``AssertionError: Hint [zero initialization]: W1 is all zeros. ...``. Tests build their
messages with :func:`hint`; the mistake catalog of the test suite (``tests/exercises/mistakes.py``)
looks for the bracketed name.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Hint:
    """One known mistake: ``name`` is shown in brackets, ``advice`` says how to fix it."""

    key: str
    name: str
    advice: str

    def tag(self) -> str:
        """The bracketed label the feedback shows, e.g. ``Hint [zero initialization]``."""
        return f"Hint [{self.name}]"


HINTS: dict[str, Hint] = {
    hint.key: hint
    for hint in (
        Hint(
            "zero_init",
            "zero initialization",
            "When every weight starts at 0, all units of a layer compute the same value and get "
            "the same gradient, so they stay identical forever (and a perceptron starts with no "
            "preferred direction). Draw the weights at random from a generator seeded with `seed`; "
            "only the biases may start at 0.",
        ),
        Hint(
            "constant_init",
            "non-random initialization",
            "Weights that all start with the same value (or that do not depend on `seed`) keep "
            "the units symmetric and make every run identical. Draw them with "
            "`rng = np.random.default_rng(seed)`, e.g. `rng.normal(size=shape)`.",
        ),
        Hint(
            "init_scale",
            "initialization scale",
            "Weights drawn too large make activations explode layer after layer, too small make them "
            "vanish. He initialization, for ReLU layers, draws W from a normal distribution with "
            "standard deviation sqrt(2 / fan_in), where fan_in is the number of inputs of the layer.",
        ),
        Hint(
            "wrong_gradient",
            "wrong gradients",
            "Your analytic gradient disagrees with a numerical (finite-difference) gradient of the "
            "loss. Go through the chain rule layer by layer: every delta is the upstream gradient "
            "times the local derivative of the activation, and every parameter gradient has the "
            "shape of the parameter.",
        ),
        Hint(
            "gradient_sign",
            "gradient sign",
            "Your gradient points the wrong way: it is the negative of the true gradient of the "
            "loss (check `y_pred - y_true` versus `y_true - y_pred`).",
        ),
        Hint(
            "gradient_ascent",
            "gradient ascent instead of descent",
            "The update adds the gradient, which climbs the loss (the tutorial's code uses `+=`). "
            "Gradient descent subtracts it: `param - learning_rate * gradient`.",
        ),
        Hint(
            "learning_rate",
            "incorrect learning rate",
            "The step size is part of the learning rule: every change of a parameter must be "
            "multiplied by `learning_rate` (the value given to the constructor or the function).",
        ),
        Hint(
            "lr_too_high",
            "learning rate too high",
            "Steps that are too large overshoot the minimum: the loss jumps up and down, grows, "
            "or the units saturate and learning stalls. Divide the learning rate by 3-10.",
        ),
        Hint(
            "lr_too_low",
            "learning rate too low",
            "The loss is still falling slowly when training ends: the steps are too small for the "
            "number of epochs. Raise the learning rate (or train for more epochs).",
        ),
        Hint(
            "not_normalized",
            "data not normalized",
            "Pixel values 0-255 give huge pre-activations and badly scaled gradients. Convert to "
            "float and divide by 255 so that every input lies in [0, 1].",
        ),
        Hint(
            "overfitting",
            "overfitting",
            "The model fits the training data much better than unseen data: it memorised instead "
            "of generalising. Train on all the training data, for fewer epochs, or add "
            "regularization (L2, dropout).",
        ),
        Hint(
            "numerical_instability",
            "numerical instability",
            "`np.exp` overflows for large inputs and `np.log(0)` is -inf. Use the stable forms: "
            "shift the logits by their row maximum before `exp`, compute the sigmoid from "
            "`exp(-|z|)`, and clip probabilities away from 0 before taking the log.",
        ),
        Hint(
            "derivative_input",
            "derivative of the output",
            "`sigmoid_derivative(a)` receives the sigmoid's output `a = sigmoid(z)`, as in the "
            "tutorial, so it is `a * (1 - a)`: do not apply the sigmoid to `a` again.",
        ),
        Hint(
            "hard_coded",
            "hard-coded answer",
            "The result only works for the example data. Compute it from the arguments so that it "
            "holds for any input.",
        ),
        Hint(
            "dropout",
            "dropout",
            "Inverted dropout keeps each hidden unit with probability `1 - dropout` and divides the "
            "kept ones by `1 - dropout` during training only; the backward pass multiplies by the "
            "same mask. Draw the mask with `self.rng` so that runs are reproducible.",
        ),
    )
}


def hint(key: str, detail: str = "") -> str:
    """The feedback text for mistake ``key``: ``"Hint [name]: <detail>. <advice>"``.

    Raises ``KeyError`` listing the known keys for an unknown ``key``.
    """
    try:
        entry = HINTS[key]
    except KeyError:
        raise KeyError(f"unknown hint {key!r}; known hints: {', '.join(sorted(HINTS))}") from None
    detail = detail.strip()
    if detail and not detail.endswith((".", "!", "?")):
        detail += "."
    return f"{entry.tag()}: {detail} {entry.advice}" if detail else f"{entry.tag()}: {entry.advice}"
