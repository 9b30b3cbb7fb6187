"""NeuronExplorer driven through its Python API; also the lazy widget package."""

import subprocess
import sys

import numpy as np
import pytest

from nnbasics.activations import sigmoid
from nnbasics.widgets import NeuronExplorer


def test_weighted_sum_and_output_follow_the_sliders():
    w = NeuronExplorer(inputs=[1.0, 0.5], weights=[0.8, -0.4], bias=0.1, activation="sigmoid")
    assert w.weighted_sum == pytest.approx(0.8 * 1.0 - 0.4 * 0.5 + 0.1)
    assert w.output == pytest.approx(float(sigmoid(np.array(0.7))))

    w.weight_sliders[1].value = 1.0
    w.bias_slider.value = -2.0
    assert w.weighted_sum == pytest.approx(0.8 + 0.5 - 2.0)
    assert "<b>-0.700</b>" in w.equation.value  # the arithmetic shown is the new one
    assert w.output == pytest.approx(float(sigmoid(np.array(-0.7))))


def test_activation_dropdown_changes_the_output_and_redraws_the_curve():
    w = NeuronExplorer(inputs=[1.0, 1.0], weights=[-1.0, -1.0], bias=0.0, activation="tanh")
    assert w.output == pytest.approx(np.tanh(-2.0))
    renders = w.figure.renders
    w.activation_dropdown.value = "relu"
    assert w.output == 0.0
    assert w.figure.renders == renders + 1
    assert "relu(-2.000)" in w.equation.value


def test_moving_a_slider_only_blits_the_point():
    w = NeuronExplorer()
    renders, blits = w.figure.renders, w.figure.blits
    w.input_sliders[0].value = 0.3
    assert (w.figure.renders, w.figure.blits) == (renders, blits + 1)
    x, y = w._point.get_data()
    assert (x[0], y[0]) == pytest.approx((w.weighted_sum, w.output))


def test_set_updates_several_controls_and_checks_lengths():
    w = NeuronExplorer(n_inputs=3)
    w.set(inputs=[1, 0, 0], weights=[2, 5, 5], bias=0.5, activation="linear")
    assert w.output == pytest.approx(2.5)
    with pytest.raises(ValueError, match="3 values"):
        w.set(weights=[1, 2])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"inputs": [1, 2], "weights": [1, 2, 3]}, "must both have 2 values"),
        ({"n_inputs": 9}, "between 1 and 6"),
        ({"activation": "softmax"}, "activation must be one of"),
        ({"activation": "swish"}, "unknown activation"),
    ],
)
def test_bad_arguments_are_rejected_clearly(kwargs, message):
    with pytest.raises(ValueError, match=message):
        NeuronExplorer(**kwargs)


def test_displays_as_its_root_widget_with_a_css_class():
    w = NeuronExplorer()
    bundle = w._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == w.widget.model_id
    assert "nnb-neuron-explorer" in w.widget._dom_classes
    assert bytes(w.figure.image.value[:4]) == b"\x89PNG"


def test_package_imports_widgets_lazily():
    code = (
        "import sys, nnbasics.widgets as w\n"
        "print('ipywidgets' in sys.modules, 'matplotlib' in sys.modules)\n"
        "print(w.DescentExplorer.__module__)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == ["False False", "nnbasics.widgets.descent"]
    import nnbasics.widgets as widgets

    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        widgets.Nope  # noqa: B018
    assert {"Playground", "BackpropStepper", "ConvolutionExplorer"} <= set(widgets.__all__)
