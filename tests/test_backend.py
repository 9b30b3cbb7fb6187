"""The two training paths: ``set_backend("numpy")`` (the readable code) and ``"fused"``
(compiled element-wise loops) choose correctly and give the same parameters and accuracy."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import nnbasics
from nnbasics import MLP, SGD, Adam, Dense, Momentum, RMSprop, Sequential, use_backend
from nnbasics import backend as backend_module
from nnbasics.datasets import spirals

needs_numba = pytest.mark.skipif(not backend_module.fused_available(),
                                 reason="the fused backend needs numba (pip install numba)")


@pytest.fixture(autouse=True)
def _restore_backend():
    previous = backend_module._selected
    yield
    backend_module._selected = previous


def _data(n=256, features=12, classes=4, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, features)).astype(np.float32)
    y = rng.integers(0, classes, n)
    return X, y


def _train(backend: str, make_model, make_optimizer, X, y, **fit_kwargs):
    with use_backend(backend):
        model = make_model()
        history = model.fit(X, y, optimizer=make_optimizer(), seed=0, **fit_kwargs)
    return model, history


# ----------------------------------------------------------------------------- selection
def test_set_backend_switches_and_returns_the_previous_one():
    nnbasics.set_backend("numpy")
    assert nnbasics.get_backend() == "numpy"
    with use_backend("numpy") as inside:
        assert inside == "numpy"
    assert nnbasics.set_backend(" NumPy ") == "numpy"


def test_an_unknown_backend_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="'numpy', 'fused'.*'torch'"):
        nnbasics.set_backend("torch")


def test_fused_without_numba_says_what_to_install(monkeypatch):
    monkeypatch.setattr(backend_module, "fused_available", lambda: False)
    with pytest.raises(RuntimeError, match="needs numba.*'numpy' backend"):
        nnbasics.set_backend("fused")
    backend_module._selected = None
    monkeypatch.delenv("NNBASICS_BACKEND", raising=False)
    assert nnbasics.get_backend() == "numpy"  # the default falls back quietly


def test_the_environment_variable_selects_the_backend_in_a_fresh_process():
    code = "import nnbasics; print(nnbasics.get_backend())"
    env = {"NNBASICS_BACKEND": "numpy", "PATH": ""}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "numpy"
    bad = subprocess.run([sys.executable, "-c", code], env={"NNBASICS_BACKEND": "fast"},
                         capture_output=True, text=True)
    assert bad.returncode != 0 and "NNBASICS_BACKEND must be one of" in bad.stderr


def test_importing_nnbasics_does_not_import_numba():
    code = "import sys, nnbasics; print('numba' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# ----------------------------------------------------------------------------- agreement
@needs_numba
@pytest.mark.parametrize("make_optimizer", [lambda: Adam(3e-3), lambda: RMSprop(1e-3),
                                            lambda: Momentum(0.05), lambda: SGD(0.1)],
                         ids=["adam", "rmsprop", "momentum", "sgd"])
def test_both_paths_reach_the_same_parameters(make_optimizer):
    X, y = _data()
    make = lambda: MLP([12, 32, 16, 4], dropout=0.1, l2=1e-3, seed=3)  # noqa: E731
    plain, h_plain = _train("numpy", make, make_optimizer, X, y, epochs=3, batch_size=32, clip=5.0)
    fused, h_fused = _train("fused", make, make_optimizer, X, y, epochs=3, batch_size=32, clip=5.0)
    assert plain.n_epochs_ == fused.n_epochs_ == 3
    np.testing.assert_allclose(fused.get_flat_params(), plain.get_flat_params(), rtol=1e-4, atol=2e-5)
    np.testing.assert_allclose(h_fused["loss"], h_plain["loss"], rtol=1e-5)
    assert not np.array_equal(plain.get_flat_params(), MLP([12, 32, 16, 4], seed=3).get_flat_params())


@needs_numba
@pytest.mark.parametrize("kind", ["tanh", "one_hot", "float64", "unpacked", "bce"])
def test_paths_agree_where_the_fused_step_falls_back_to_the_layers(kind):
    X, y = _data(classes=4 if kind != "bce" else 2)
    fit_y = y
    if kind == "tanh":
        make = lambda: MLP([12, 16, 4], activation="tanh", seed=1)  # noqa: E731
    elif kind == "one_hot":
        make = lambda: MLP([12, 16, 4], seed=1)  # noqa: E731
        fit_y = np.eye(4, dtype=np.float32)[y]
    elif kind == "float64":
        make = lambda: MLP([12, 16, 4], seed=1, dtype=np.float64)  # noqa: E731
    elif kind == "bce":
        make = lambda: MLP([12, 16, 1], seed=1)  # noqa: E731
    else:  # a hand-built Sequential: parameters not packed into one buffer
        make = lambda: Sequential([Dense(12, 16, seed=1), nnbasics.Activation("relu"),  # noqa: E731
                                   Dense(16, 4, seed=2)], seed=1)
    plain, _ = _train("numpy", make, lambda: Adam(1e-2), X, fit_y, epochs=2, batch_size=64)
    fused, _ = _train("fused", make, lambda: Adam(1e-2), X, fit_y, epochs=2, batch_size=64)
    tol = 1e-10 if kind == "float64" else 2e-5
    np.testing.assert_allclose(fused.get_flat_params(), plain.get_flat_params(), rtol=1e-4, atol=tol)


@needs_numba
def test_a_fused_step_leaves_the_same_layer_caches_gradients_and_moments():
    X, y = _data(n=64)
    models, optimizers = {}, {}
    for backend in ("numpy", "fused"):
        with use_backend(backend):
            models[backend], optimizers[backend] = MLP([12, 16, 4], seed=0), Adam(1e-3)
            loss = models[backend].train_step(X, y, optimizers[backend])
            models[backend].loss_value = loss
    plain, fused = models["numpy"], models["fused"]
    assert fused.loss_value == pytest.approx(plain.loss_value, rel=1e-6)
    for lp, lf in zip(plain.layers, fused.layers, strict=True):
        np.testing.assert_allclose(lf.output, lp.output, rtol=1e-6, atol=1e-6)  # z for Dense, a for ReLU
        for key in lp.grads:
            np.testing.assert_allclose(lf.grads[key], lp.grads[key], rtol=1e-5, atol=1e-7)
    flat_p, flat_f = plain._packed.params, fused._packed.params
    for got, want in zip(optimizers["fused"].moments(flat_f), optimizers["numpy"].moments(flat_p), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-9)


@needs_numba
def test_both_paths_reach_the_same_accuracy():
    X, y = spirals(600, seed=0)
    X = X.astype(np.float32)
    make = lambda: MLP([2, 64, 64, 3], seed=0)  # noqa: E731
    scores = {}
    for backend in ("numpy", "fused"):
        model, _ = _train(backend, make, lambda: Adam(1e-2), X, y, epochs=40, batch_size=32)
        scores[backend] = model.score(X, y)
    assert scores["numpy"] > 0.9
    assert abs(scores["fused"] - scores["numpy"]) <= 0.01


# ----------------------------------------------------------------------------- errors, fallbacks
@needs_numba
def test_bad_labels_give_the_same_clear_error_on_the_fused_path():
    X, _ = _data(n=8)
    model = MLP([12, 8, 4], seed=0)
    with use_backend("fused"), pytest.raises(ValueError, match=r"class labels must lie in \[0, 4\)"):
        model.train_step(X, np.array([0, 1, 2, 3, 4, 0, 1, 2]), Adam())


@needs_numba
def test_an_optimizer_subclass_keeps_its_own_rule_on_the_fused_path():
    class HalfSGD(SGD):
        def _update(self, p, g, state):
            p -= 0.5 * self.lr * g

    X, y = _data(n=64)
    results = {}
    for backend in ("numpy", "fused"):
        model, _ = _train(backend, lambda: MLP([12, 8, 4], seed=0), lambda: HalfSGD(0.1), X, y,
                          epochs=1, batch_size=16)
        results[backend] = model.get_flat_params()
    np.testing.assert_allclose(results["fused"], results["numpy"], rtol=1e-5, atol=1e-6)


def _x86_only():
    from nnbasics.fused.fpmode import FLUSHES_SUBNORMALS

    if not FLUSHES_SUBNORMALS:
        pytest.skip("flush-to-zero is set only on x86 processors")


def _numpy_still_underflows_gradually(dtype) -> bool:
    """True when this thread computes subnormal results again (the loop restored MXCSR)."""
    tiny = np.finfo(dtype).tiny
    return bool(np.array([tiny], dtype=dtype)[0] * dtype(0.5) > 0)


@needs_numba
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("kernel, buffers", [("adam_update", 2), ("rmsprop_update", 1), ("momentum_update", 1)])
def test_fused_optimizers_flush_subnormal_moments_and_restore_the_processor_mode(kernel, buffers, dtype):
    """Subnormal moments (decaying after the gradient went to zero) cost microcode assists on
    x86; inside the fused loops they become zero, and only they: a moment just above ``tiny``
    decays as before. Outside the loop, NumPy's gradual underflow is back."""
    from nnbasics.fused import kernels

    _x86_only()
    tiny = np.finfo(dtype).tiny
    moments = [np.array([tiny * 1.05, tiny * 3, 0.5], dtype=dtype) for _ in range(buffers)]
    p, g = np.ones(3, dtype=dtype), np.zeros(3, dtype=dtype)
    constants = {"adam_update": (0.9, 0.999, 1e-3, 1e-8), "rmsprop_update": (0.9, 1e-3, 1e-8),
                 "momentum_update": (0.9, 1e-3)}[kernel]
    getattr(kernels, kernel)(p, g, *moments, *map(dtype, constants))
    first = moments[0]
    assert first[0] == 0 and first.dtype == dtype  # 0.9 * 1.05 tiny (0.999 for V) would be subnormal
    assert first[1] > tiny and first[2] == pytest.approx(0.5 * constants[0])
    assert np.all(np.isfinite(p))
    assert _numpy_still_underflows_gradually(dtype)


@needs_numba
def test_fused_adam_reads_subnormal_gradients_as_zero():
    """A gradient below ``tiny`` is read as zero: its square, its moment and its update are 0."""
    from nnbasics.fused import kernels

    _x86_only()
    tiny = np.finfo(np.float32).tiny
    g = np.array([tiny / 4, 1e-20, 1e-3], dtype=np.float32)
    p, M, V = (np.zeros(3, np.float32) for _ in range(3))
    kernels.adam_update(p, g, M, V, *map(np.float32, (0.9, 0.999, 1e-3, 1e-8)))
    assert M[0] == 0 and V[0] == 0 and p[0] == 0  # the subnormal gradient
    assert M[1] == np.float32(1e-20) and V[1] == 0 and p[1] < 0  # 1e-40 squared: flushed
    assert M[2] == np.float32(1e-3) and V[2] == pytest.approx(1e-6, rel=1e-6)
    assert _numpy_still_underflows_gradually(np.float32)


@needs_numba
def test_fused_softmax_gives_ruled_out_classes_a_zero_not_a_subnormal_gradient():
    from nnbasics.fused import kernels

    _x86_only()
    logits = np.array([[0.0, -95.0, 1.0]], dtype=np.float32)  # exp(-95) = 5.5e-42: subnormal
    grad = np.empty_like(logits)
    loss, bad = kernels.softmax_cross_entropy(logits, np.array([2]), grad)
    assert bad == 0 and grad[0, 1] == 0
    reference = np.exp(logits - 1) / np.exp(logits - 1).sum() - np.array([0, 0, 1])
    assert 0 < reference[0, 1] < np.finfo(np.float32).tiny  # what NumPy computes: subnormal
    np.testing.assert_allclose(grad, reference, rtol=1e-6, atol=1e-41)
    assert loss == pytest.approx(-np.log(np.exp(1) / (1 + np.exp(1))), rel=1e-6)
    assert _numpy_still_underflows_gradually(np.float32)


@needs_numba
def test_off_x86_the_fused_loops_run_without_touching_the_processor_mode():
    """On ARM and other processors there is no MXCSR: the mode functions compile to nothing and
    a loop that calls them still runs (checked in a process that believes it is on aarch64)."""
    code = """
import platform
platform.machine = lambda: "aarch64"
import numba, numpy as np
from nnbasics.fused import fpmode
assert not fpmode.FLUSHES_SUBNORMALS

@numba.njit
def halve(x):
    mode = fpmode.flush_subnormals()
    for i in range(x.size):
        x[i] *= 0.5
    fpmode.restore_fp_mode(mode)
    return mode

x = np.ones(3)
assert halve(x) == 0 and np.all(x == 0.5)
print("ok")
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr[-2000:]
