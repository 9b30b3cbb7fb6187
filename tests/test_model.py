"""Models: the tutorial's XOR network, the structure chapters rely on (layers, params,
grads, train_step, gradient norms), fit's options, reproducibility and input errors."""

import numpy as np
import pytest

from nnbasics import (
    MLP,
    MSE,
    SGD,
    Activation,
    Adam,
    BinaryCrossEntropy,
    Dense,
    Dropout,
    Sequential,
    SoftmaxCrossEntropy,
    StopTraining,
    TrainingDivergedError,
)
from nnbasics.gradcheck import check_model

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
XOR_Y = np.array([0, 1, 1, 0])


def blobs(n=120, k=3, seed=0):
    rng = np.random.default_rng(seed)
    centers = rng.standard_normal((k, 2)) * 4
    y = rng.integers(0, k, n)
    return centers[y] + rng.standard_normal((n, 2)), y


def test_tutorial_xor_network_learns_xor():
    model = MLP([2, 4, 1], activation="sigmoid", output="sigmoid", loss="mse", seed=0)
    assert isinstance(model.loss_fn, MSE)
    model.fit(XOR_X, XOR_Y, epochs=2000, batch_size=4, optimizer=SGD(2.0))
    out = model.predict(XOR_X)
    assert out.shape == (4, 1)
    assert np.all(np.abs(out.ravel() - XOR_Y) < 0.2), out.ravel()
    assert model.score(XOR_X, XOR_Y) == 1.0


def test_default_binary_classifier_learns_xor():
    model = MLP([2, 8, 1], activation="tanh", seed=1)
    assert isinstance(model.loss_fn, BinaryCrossEntropy) and model.output == "sigmoid"
    model.fit(XOR_X, XOR_Y, epochs=300, batch_size=4, optimizer=Adam(0.05))
    np.testing.assert_array_equal(model.predict(XOR_X), XOR_Y)


def test_output_and_loss_defaults():
    m = MLP([4, 3, 5])
    assert isinstance(m.loss_fn, SoftmaxCrossEntropy) and m.output is None
    assert isinstance(m.layers[-1], Dense)
    assert isinstance(MLP([4, 1], output="linear").loss_fn, MSE)
    assert isinstance(MLP([4, 3], output="softmax").loss_fn, SoftmaxCrossEntropy)
    assert [type(layer).__name__ for layer in MLP([4, 5, 6, 2], dropout=0.2).layers] == [
        "Dense", "Activation", "Dropout", "Dense", "Activation", "Dropout", "Dense"]
    assert MLP([4, 5, 2], activation="relu").init == "he"
    assert MLP([4, 5, 2], activation="tanh").init == "xavier"
    with pytest.raises(ValueError, match="softmax cross-entropy works on logits"):
        MLP([4, 3], output="sigmoid", loss="cross_entropy")
    with pytest.raises(ValueError, match="needs probabilities"):
        MLP([4, 1], output="tanh", loss="bce")
    with pytest.raises(ValueError, match="at least an input and an output"):
        MLP([4])
    with pytest.raises(ValueError, match=r"dropout probability p must be in \[0, 1\)"):
        MLP([4, 4, 2], dropout=1.0)


def test_sequential_from_explicit_layers_matches_manual_forward():
    layers = [Dense(2, 3, seed=0, dtype=np.float64), Activation("tanh"),
              Dense(3, 2, seed=1, dtype=np.float64)]
    model = Sequential(layers, loss="softmax_cross_entropy")
    W1, b1 = layers[0].params["W"], layers[0].params["b"]
    W2, b2 = layers[2].params["W"], layers[2].params["b"]
    z = np.tanh(XOR_X @ W1 + b1) @ W2 + b2
    np.testing.assert_allclose(model.logits(XOR_X), z)
    p = np.exp(z) / np.exp(z).sum(1, keepdims=True)
    np.testing.assert_allclose(model.forward(XOR_X), p)
    np.testing.assert_allclose(model.predict_proba(XOR_X), p)
    np.testing.assert_array_equal(model.predict(XOR_X), p.argmax(1))
    with pytest.raises(ValueError, match="outputs 3 values but the next Dense"):
        Sequential([Dense(2, 3), Dense(4, 1)])
    with pytest.raises(TypeError, match="not a layer"):
        Sequential([Dense(2, 3), np.tanh])
    with pytest.raises(ValueError, match=r"takes logits: remove the final Activation\('softmax'\)"):
        Sequential([Dense(2, 3), Activation("softmax")], loss="cross_entropy")


def test_params_grads_layer_access_and_gradient_norms():
    X, y = blobs(40)
    model = MLP([2, 5, 4, 3], activation="relu", dropout=0.1, seed=0)
    assert len(model.params) == len(model.layers) == len(model.grads)
    assert [sorted(p) for p in model.params] == [
        ["W", "b"], [], [], ["W", "b"], [], [], ["W", "b"]]
    model.forward(X, training=True)
    assert model.layers[0].output.shape == (40, 5)
    np.testing.assert_array_equal(model.layers[1].input, model.layers[0].output)
    grads = model.backward(y)
    assert all(g[k].shape == p[k].shape for g, p in zip(grads, model.params, strict=True) for k in p)
    norms = model.gradient_norms()
    assert len(norms) == 3 and all(n > 0 for n in norms)
    assert norms[0] == pytest.approx(np.linalg.norm(model.layers[0].grads["W"]))
    assert len(model.gradient_norms("all")) == 3


@pytest.mark.parametrize(
    "kwargs, labels",
    [
        ({"activation": "tanh"}, "int"),
        ({"activation": "sigmoid", "dropout": 0.3}, "onehot"),
        ({"activation": "leaky_relu", "l2": 0.1}, "int"),
        ({"activation": "tanh", "output": "sigmoid", "loss": "mse"}, "onehot"),
        ({"activation": "tanh", "output": "softmax", "loss": "mse"}, "onehot"),
    ],
)
def test_model_backward_passes_gradcheck(kwargs, labels):
    X, y = blobs(12)
    if labels == "onehot":
        y = np.eye(3)[y]
    model = MLP([2, 5, 4, 3], seed=0, dtype=np.float64, **kwargs)
    report = check_model(model, X, y)
    assert report.max_error <= 1e-6, report


def test_binary_model_gradcheck():
    X, y = blobs(12, k=2)
    model = MLP([2, 4, 1], activation="tanh", seed=0, dtype=np.float64)
    assert check_model(model, X, y).max_error <= 1e-6


def test_flat_params_round_trip():
    model = MLP([3, 4, 2], seed=0)
    flat = model.get_flat_params()
    assert flat.shape == (model.n_params,) == (3 * 4 + 4 + 4 * 2 + 2,)
    model.set_flat_params(np.zeros_like(flat))
    assert not model.layers[0].params["W"].any()
    model.set_flat_params(flat)
    np.testing.assert_array_equal(model.get_flat_params(), flat)
    with pytest.raises(ValueError, match="expected a vector of 26"):
        model.set_flat_params(flat[:5])


def test_train_step_lowers_the_loss():
    X, y = blobs(60)
    model = MLP([2, 8, 3], seed=0)
    opt = Adam(0.05)
    before = model.loss(X, y)
    losses = [model.train_step(X, y, opt) for _ in range(30)]
    assert losses[0] == pytest.approx(before, rel=1e-5)
    assert model.loss(X, y) < 0.5 * before


def test_fit_history_and_validation():
    X, y = blobs(200)
    model = MLP([2, 16, 3], seed=0)
    history = model.fit(X[:150], y[:150], epochs=20, batch_size=16, optimizer=Adam(0.01),
                        validation_data=(X[150:], y[150:]))
    assert model.history_ is history and model.n_epochs_ == 20 and history.epochs == list(range(1, 21))
    for key in ("loss", "accuracy", "val_loss", "val_accuracy", "seconds", "lr"):
        assert len(history.history[key]) == 20, key
    assert history["loss"][-1] < history["loss"][0]
    val_loss, val_acc = model.evaluate(X[150:], y[150:])
    assert history["val_loss"][-1] == pytest.approx(val_loss, rel=1e-5)
    assert history["val_accuracy"][-1] == pytest.approx(val_acc)
    assert model.score(X[150:], y[150:]) == pytest.approx(val_acc)
    assert val_acc > 0.8


def test_fit_is_reproducible_with_seeds():
    X, y = blobs(100)
    a = MLP([2, 8, 3], dropout=0.2, seed=3)
    b = MLP([2, 8, 3], dropout=0.2, seed=3)
    a.fit(X, y, epochs=3, batch_size=10, seed=1)
    b.fit(X, y, epochs=3, batch_size=10, seed=1)
    np.testing.assert_array_equal(a.get_flat_params(), b.get_flat_params())
    c = MLP([2, 8, 3], dropout=0.2, seed=3)
    c.fit(X, y, epochs=3, batch_size=10, seed=2)
    assert not np.array_equal(a.get_flat_params(), c.get_flat_params())


def test_float64_on_request():
    X, y = blobs(30)
    model = MLP([2, 4, 3], seed=0, dtype=np.float64)
    model.fit(X, y, epochs=1, batch_size=8)
    assert all(p.dtype == np.float64 for d in model.params for p in d.values())
    assert model.predict_proba(X).dtype == np.float64
    assert MLP([2, 4, 3]).predict_proba(X).dtype == np.float32


def test_callback_receives_epoch_and_history_and_can_stop():
    X, y = blobs(50)
    seen = []

    def cb(epoch, history):
        seen.append((epoch, len(history)))
        return epoch < 3

    history = MLP([2, 4, 3]).fit(X, y, epochs=10, callbacks=[cb])
    assert seen == [(1, 1), (2, 2), (3, 3)] and len(history) == 3 and history.stopped_early

    def stopper(epoch, history):
        raise StopTraining

    assert len(MLP([2, 4, 3]).fit(X, y, epochs=10, callbacks=stopper)) == 1


def test_callback_can_schedule_the_learning_rate():
    X, y = blobs(50)
    opt = SGD(0.1)

    def halve(epoch, history):
        opt.lr *= 0.5

    history = MLP([2, 4, 3]).fit(X, y, epochs=3, optimizer=opt, callbacks=[halve])
    assert history["lr"] == [0.1, 0.05, 0.025]


def test_early_stopping_restores_the_best_weights():
    X, y = blobs(60)
    Xv, yv = blobs(60, seed=9)
    model = MLP([2, 32, 3], seed=0)
    snapshots = {}
    history = model.fit(X, y, epochs=200, batch_size=60, optimizer=Adam(0.3),
                        validation_data=(Xv, yv), early_stopping=3,
                        callbacks=lambda e, h: snapshots.__setitem__(e, model.get_flat_params()))
    assert history.stopped_early and len(history) < 200
    best = int(np.argmin(history["val_loss"])) + 1
    assert history.best_epoch == best
    assert len(history) == best + 3
    np.testing.assert_array_equal(model.get_flat_params(), snapshots[best])


def test_divergence_raises_a_helpful_error():
    X, y = blobs(64)
    model = MLP([2, 64, 64, 3], seed=0)
    with pytest.raises(TrainingDivergedError, match="lower the learning rate.*clip"):
        model.fit(X * 1e3, y, epochs=50, batch_size=8, optimizer=SGD(1e6))
    assert issubclass(TrainingDivergedError, FloatingPointError)


def test_clipping_keeps_a_large_learning_rate_finite():
    X, y = blobs(64)
    model = MLP([2, 16, 3], seed=0)
    history = model.fit(X, y, epochs=5, batch_size=8, optimizer=SGD(0.5), clip=1.0)
    assert np.isfinite(history["loss"]).all()


def test_progress_bar(capsys):
    pytest.importorskip("tqdm")
    X, y = blobs(40)
    MLP([2, 4, 3]).fit(X, y, epochs=2, batch_size=10, progress=True)
    assert "8/8" in capsys.readouterr().err


def test_regression_with_mse():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (200, 1))
    y = np.sin(3 * X)
    model = MLP([1, 32, 1], activation="tanh", loss="mse", seed=0)
    history = model.fit(X, y, epochs=100, batch_size=20, optimizer=Adam(0.01))
    assert history["accuracy"] == []  # no accuracy for continuous targets
    assert model.loss(X, y) < 0.01
    with pytest.raises(ValueError, match="score.*accuracy"):
        model.score(X, y)


def test_bad_inputs_get_clear_messages():
    X, y = blobs(20)
    model = MLP([2, 4, 3])
    with pytest.raises(ValueError, match=r"expected 784 features, got shape \(5, 28, 28\); "
                                         r"flatten the images with X.reshape\(len\(X\), -1\)"):
        MLP([784, 10]).fit(np.zeros((5, 28, 28)), np.zeros(5, int))
    with pytest.raises(ValueError, match="20 rows in X but 19 targets"):
        model.fit(X, y[:-1])
    bad = X.copy()
    bad[3, 1] = np.nan
    with pytest.raises(ValueError, match="contains 1 NaN or infinite"):
        model.fit(bad, y)
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 3\)"):
        model.fit(X, y + 5)
    with pytest.raises(TypeError, match="integers"):
        model.fit(X, y + 0.5)
    with pytest.raises(ValueError, match="use y.ravel()"):
        model.fit(X, y.reshape(-1, 1, 1))
    with pytest.raises(ValueError, match="epochs must be a positive integer"):
        model.fit(X, y, epochs=0)
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        model.fit(X, y, batch_size=2.5)
    with pytest.raises(ValueError, match="learning rate must be positive"):
        model.fit(X, y, optimizer=SGD(-0.1))
    with pytest.raises(ValueError, match="validation_data must be a pair"):
        model.fit(X, y, validation_data=X)
    with pytest.raises(ValueError, match="clip must be a positive number"):
        model.fit(X, y, clip=-1)
    with pytest.raises(RuntimeError, match="forward"):
        MLP([2, 3]).backward(y)
    with pytest.raises(ValueError, match="targets must lie in"):
        MLP([2, 1]).fit(X, y)  # labels 0..2 for a binary model


def test_repr_and_summary():
    model = MLP([784, 256, 128, 10], activation="relu", seed=0)
    assert repr(model) == "MLP([784, 256, 128, 10], activation='relu', loss='softmax_cross_entropy')"
    assert "235146" in model.summary()
    assert "Dropout(p=0.5)" in repr(Sequential([Dense(2, 2), Dropout(0.5)]))


def test_packed_parameters_train_exactly_like_separate_arrays():
    """MLP keeps all parameters in one buffer for speed; the updates must not change."""
    X, y = blobs(64)
    packed = MLP([2, 6, 3], activation="tanh", seed=0, dtype=np.float64)
    first = packed.layers[0].params["W"]
    assert first.base is not None and first.base is packed.layers[2].params["b"].base
    layers = [Dense(2, 6, dtype=np.float64), Activation("tanh"), Dense(6, 3, dtype=np.float64)]
    separate = Sequential(layers)
    separate.set_flat_params(packed.get_flat_params())
    opt_a, opt_b = Adam(0.01), Adam(0.01)
    for _ in range(5):
        packed.train_step(X, y, opt_a)
        separate.train_step(X, y, opt_b)
    np.testing.assert_allclose(packed.get_flat_params(), separate.get_flat_params(), rtol=1e-12)


def test_replacing_a_parameter_array_still_trains_it():
    X, y = blobs(32)
    model = MLP([2, 4, 3], seed=0)
    new_W = np.ones_like(model.layers[0].params["W"])
    model.layers[0].params["W"] = new_W
    model.train_step(X, y, SGD(0.1))
    assert model.layers[0].params["W"] is new_W and not np.all(new_W == 1.0)


def test_training_without_progress_bar_does_not_import_tqdm():
    import subprocess
    import sys

    code = (
        "import sys, numpy as np\n"
        "from nnbasics import MLP\n"
        "MLP([2, 3, 2]).fit(np.zeros((8, 2)), np.arange(8) % 2, epochs=2)\n"
        "print([m for m in ('tqdm', 'torch', 'matplotlib') if m in sys.modules])"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "leaky_relu"])
@pytest.mark.parametrize("output", [None, "sigmoid"])
def test_extreme_inputs_give_finite_outputs_and_losses(activation, output):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((6, 3)) * 1e4
    n_out = 1 if output == "sigmoid" else 4
    y = rng.integers(0, 2 if n_out == 1 else 4, 6)
    model = MLP([3, 5, n_out], activation=activation, output=output, seed=0)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        proba = model.predict_proba(X)
        loss = model.loss(X, y)
        model.backward(y)
    assert np.isfinite(proba).all() and np.isfinite(loss)
    assert all(np.isfinite(g).all() for d in model.grads for g in d.values())
    if n_out > 1:
        np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)


def test_custom_layers_with_a_plain_backward_signature_work():
    class Square(Activation):
        def __init__(self):
            super().__init__("linear")

        def forward(self, x, training=False):
            self.input = x
            return x * x

        def backward(self, dout):
            return 2 * self.input * dout

    class PlainDense(Dense):
        def backward(self, dout):
            return super().backward(dout)

    X, y = blobs(10)
    model = Sequential([PlainDense(2, 4, seed=0, dtype=np.float64), Square(),
                        Dense(4, 3, seed=1, dtype=np.float64)])
    assert check_model(model, X, y).max_error <= 1e-6
