"""ConvolutionExplorer driven through its Python API: kernels, hand-edited cells, digits."""

import numpy as np
import pytest
import torch

from nnbasics.advanced.conv import Conv2D
from nnbasics.advanced.kernels import KERNELS
from nnbasics.widgets import ConvolutionExplorer
from nnbasics.widgets.conv import CUSTOM


@pytest.fixture
def digits():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(4, 12, 12), dtype=np.uint8)
    images[1] = 0
    images[1, 3:9, 5:8] = 255  # a vertical stroke, 3 pixels wide
    return images, np.array([7, 1, 3, 9])


def _torch_same_conv(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    out = torch.nn.functional.conv2d(
        torch.tensor(image)[None, None], torch.tensor(kernel)[None, None], padding=1
    )
    return out[0, 0].numpy()


def test_output_is_the_reference_convolution_of_the_scaled_digit(digits):
    images, labels = digits
    explorer = ConvolutionExplorer(images, labels, kernel="edge")
    np.testing.assert_allclose(explorer.image, images[0] / 255.0)
    np.testing.assert_allclose(explorer.output, _torch_same_conv(explorer.image, KERNELS["edge"]),
                               atol=1e-12)
    # ...and the widget's output is what the course's Conv2D layer computes with that kernel.
    layer = Conv2D(1, 1, 3, padding=1, dtype=np.float64)
    layer.params["W"][...] = KERNELS["edge"]
    np.testing.assert_allclose(explorer.output, layer.forward(explorer.image[None, None])[0, 0])
    assert "label 7" in explorer.caption.value


def test_choosing_a_kernel_changes_the_output_and_the_cells(digits):
    explorer = ConvolutionExplorer(digits[0], kernel="edge")
    edge_output = explorer.output.copy()
    renders = explorer.figure.renders
    explorer.kernel_dropdown.value = "blur"
    assert explorer.kernel_name == "blur"
    np.testing.assert_allclose(explorer.kernel, KERNELS["blur"])
    assert [[c.value for c in row] for row in explorer.kernel_cells] == KERNELS["blur"].tolist()
    assert not np.allclose(explorer.output, edge_output)
    np.testing.assert_allclose(explorer.output, _torch_same_conv(explorer.image, KERNELS["blur"]))
    assert explorer.figure.renders == renders + 1


def test_hand_edited_cells_make_a_custom_kernel(digits):
    explorer = ConvolutionExplorer(digits[0], kernel="identity")
    np.testing.assert_allclose(explorer.output, explorer.image)
    explorer.kernel_cells[1][1].value = 2.0  # doubles every pixel
    assert explorer.kernel_name == CUSTOM
    assert explorer.kernel_dropdown.value == CUSTOM
    np.testing.assert_allclose(explorer.output, 2 * explorer.image)
    explorer.set_kernel(KERNELS["sharpen"])  # typing a known kernel's numbers names it
    assert explorer.kernel_dropdown.value == "sharpen"


def test_vertical_edge_kernel_finds_the_sides_of_a_vertical_stroke(digits):
    explorer = ConvolutionExplorer(digits[0], kernel="vertical edge")
    explorer.image_slider.value = 1
    np.testing.assert_allclose(explorer.image, digits[0][1] / 255.0)
    response = np.abs(explorer.output)
    strongest_columns = set(np.argwhere(response == response.max())[:, 1].tolist())
    assert strongest_columns <= {4, 5, 7, 8}  # the stroke's left and right sides
    np.testing.assert_allclose(response[4:8, 6], 0.0, atol=1e-12)  # nothing changes mid-stroke
    explorer.set_kernel("horizontal edge")
    assert np.abs(explorer.output[5]).max() == pytest.approx(0.0)  # the stroke's middle rows


def test_bad_inputs_are_explained(digits):
    with pytest.raises(ValueError, match=r"\(n, H, W\)"):
        ConvolutionExplorer(np.zeros((5, 784)))
    explorer = ConvolutionExplorer(digits[0])
    with pytest.raises(ValueError, match="3x3"):
        explorer.set_kernel(np.ones((2, 2)))
    with pytest.raises(ValueError, match="choose one of"):
        explorer.set_kernel("emboss")
    with pytest.raises(IndexError, match="out of range"):
        explorer.select_image(10)
