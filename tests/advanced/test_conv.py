"""Conv2D: im2col bookkeeping, agreement with torch's conv2d, and gradient checks in float64."""

import numpy as np
import pytest
import torch

from nnbasics.advanced.conv import Conv2D, Flatten, col2im, conv2d, convolve_image, im2col
from nnbasics.advanced.kernels import KERNELS, get_kernel
from nnbasics.gradcheck import check_layer

SETTINGS = [(1, 0), (1, 1), (2, 1), (3, 2)]  # (stride, padding)


@pytest.mark.parametrize("stride,padding", SETTINGS)
def test_conv2d_equals_torch_conv2d(stride, padding):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 2, 9, 8))
    W = rng.standard_normal((4, 2, 3, 3))
    b = rng.standard_normal(4)
    expected = torch.nn.functional.conv2d(
        torch.tensor(x), torch.tensor(W), torch.tensor(b), stride=stride, padding=padding
    ).numpy()
    out = conv2d(x, W, b, stride=stride, padding=padding)
    assert out.shape == expected.shape
    np.testing.assert_allclose(out, expected, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("stride,padding", SETTINGS)
def test_col2im_is_the_adjoint_of_im2col(stride, padding):
    """<im2col(x), C> == <x, col2im(C)> for every x and C: the backward pass of the unfolding."""
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 3, 7, 6))
    cols = im2col(x, 3, 3, stride, padding)
    other = rng.standard_normal(cols.shape)
    folded = col2im(other, x.shape, 3, 3, stride, padding)
    assert folded.shape == x.shape
    assert np.isclose(np.sum(cols * other), np.sum(x * folded), rtol=1e-12)


@pytest.mark.parametrize("stride,padding", SETTINGS)
def test_conv_layer_passes_a_float64_gradient_check(stride, padding):
    rng = np.random.default_rng(2)
    layer = Conv2D(2, 3, 3, stride=stride, padding=padding, seed=0, dtype=np.float64)
    x = rng.standard_normal((2, 2, 7, 6))
    report = check_layer(layer, x)
    assert set(report.errors) == {"x", *layer.params}
    assert report.max_error <= 1e-6, report


def test_conv_layer_gradients_equal_torch_autograd():
    rng = np.random.default_rng(3)
    layer = Conv2D(3, 5, 3, stride=2, padding=1, seed=1, dtype=np.float64)
    x = rng.standard_normal((4, 3, 10, 10))
    dout = rng.standard_normal(layer.forward(x).shape)
    dx = layer.backward(dout)

    x_t = torch.tensor(x, requires_grad=True)
    W_t = torch.tensor(layer.params["W"], requires_grad=True)
    b_t = torch.tensor(layer.params["b"], requires_grad=True)
    out_t = torch.nn.functional.conv2d(x_t, W_t, b_t, stride=2, padding=1)
    (out_t * torch.tensor(dout)).sum().backward()
    np.testing.assert_allclose(dx, x_t.grad.numpy(), atol=1e-10)
    np.testing.assert_allclose(layer.grads["W"], W_t.grad.numpy(), atol=1e-10)
    np.testing.assert_allclose(layer.grads["b"], b_t.grad.numpy(), atol=1e-10)


def test_conv_layer_defaults_to_float32_and_he_scale():
    layer = Conv2D(4, 64, 5, seed=0)
    assert layer.params["W"].dtype == np.float32
    assert layer.params["W"].shape == (64, 4, 5, 5)
    assert np.std(layer.params["W"]) == pytest.approx(np.sqrt(2 / (4 * 25)), rel=0.1)
    out = layer.forward(np.ones((1, 4, 5, 5), dtype=np.float32))
    assert out.shape == (1, 64, 1, 1) and out.dtype == np.float32


def test_conv_layer_rejects_flat_images_with_a_hint():
    layer = Conv2D(1, 2, 3)
    with pytest.raises(ValueError, match=r"reshape.*1, 28, 28"):
        layer.forward(np.zeros((5, 784)))
    with pytest.raises(ValueError, match="1 input channel"):
        layer.forward(np.zeros((5, 3, 28, 28)))
    with pytest.raises(ValueError, match="does not fit"):
        layer.forward(np.zeros((1, 1, 2, 2)))
    with pytest.raises(RuntimeError, match="forward"):
        Conv2D(1, 2, 3).backward(np.zeros((1, 2, 3, 3)))
    with pytest.raises(ValueError, match="kernel_size"):
        Conv2D(1, 2, 0)


def test_flatten_round_trip():
    x = np.arange(2 * 3 * 4 * 5, dtype=float).reshape(2, 3, 4, 5)
    flat = Flatten()
    out = flat.forward(x)
    assert out.shape == (2, 60)
    np.testing.assert_array_equal(flat.backward(out), x)


def test_convolve_image_with_classic_kernels():
    rng = np.random.default_rng(4)
    image = rng.random((12, 10))
    np.testing.assert_allclose(convolve_image(image, get_kernel("identity")), image)
    flat = np.full((8, 8), 0.7)
    # Inside the image (away from the zero padding) a blur keeps a flat region, an edge kernel
    # gives zero and sharpening keeps it.
    np.testing.assert_allclose(convolve_image(flat, get_kernel("blur"))[1:-1, 1:-1], 0.7)
    np.testing.assert_allclose(convolve_image(flat, get_kernel("edge"))[1:-1, 1:-1], 0.0, atol=1e-12)
    np.testing.assert_allclose(convolve_image(flat, get_kernel("sharpen"))[1:-1, 1:-1], 0.7)
    # Vertical-edge Sobel fires on a left-to-right step, horizontal-edge Sobel does not.
    step = np.zeros((8, 8))
    step[:, 4:] = 1.0
    assert np.abs(convolve_image(step, get_kernel("vertical edge"))[2:-2]).max() == 4.0
    np.testing.assert_allclose(convolve_image(step, get_kernel("horizontal edge"))[1:-1], 0.0)


def test_kernels_are_copies_and_unknown_names_are_explained():
    kernel = get_kernel("blur")
    kernel[0, 0] = 100.0
    assert KERNELS["blur"][0, 0] == pytest.approx(1 / 9)
    with pytest.raises(ValueError, match="choose one of"):
        get_kernel("emboss")
    with pytest.raises(ValueError, match="odd side"):
        convolve_image(np.zeros((5, 5)), np.ones((2, 2)))


def test_first_layer_backward_can_skip_the_input_gradient():
    rng = np.random.default_rng(5)
    layer = Conv2D(1, 2, 3, seed=0, dtype=np.float64)
    x = rng.standard_normal((2, 1, 5, 5))
    dout = rng.standard_normal(layer.forward(x).shape)
    layer.backward(dout)
    full = {k: g.copy() for k, g in layer.grads.items()}
    assert layer.backward(dout, need_input_grad=False) is None
    for key, value in full.items():
        np.testing.assert_array_equal(layer.grads[key], value)
