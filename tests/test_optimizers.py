"""Optimizers: updates against hand-computed values and against torch.optim over several
steps, learning-rate changes and hyperparameter checks."""

import numpy as np
import pytest

from nnbasics.optimizers import SGD, Adam, Momentum, RMSprop, get_optimizer

RNG = np.random.default_rng(4)
P0 = {"W": RNG.standard_normal((3, 2)), "b": RNG.standard_normal(2)}
GRADS = [{k: RNG.standard_normal(v.shape) for k, v in P0.items()} for _ in range(6)]


N_STEPS = len(GRADS)


def _run(optimizer, steps=N_STEPS):
    params = [{k: v.copy() for k, v in P0.items()}, {}]
    for g in GRADS[:steps]:
        optimizer.step(params, [{k: v.copy() for k, v in g.items()}, {}])
    return params[0]


def test_sgd_by_hand():
    out = _run(SGD(0.1), steps=2)
    np.testing.assert_allclose(out["W"], P0["W"] - 0.1 * (GRADS[0]["W"] + GRADS[1]["W"]))


def test_momentum_by_hand():
    out = _run(Momentum(0.1, beta=0.9), steps=2)
    v1 = GRADS[0]["b"]
    v2 = 0.9 * v1 + GRADS[1]["b"]
    np.testing.assert_allclose(out["b"], P0["b"] - 0.1 * v1 - 0.1 * v2)


def test_adam_first_step_is_lr_times_sign():
    # after bias correction, m_hat / sqrt(v_hat) = g / |g| on the first step
    out = _run(Adam(0.01), steps=1)
    np.testing.assert_allclose(out["W"], P0["W"] - 0.01 * np.sign(GRADS[0]["W"]), rtol=1e-6)


def test_rmsprop_by_hand():
    out = _run(RMSprop(0.01, rho=0.9, eps=1e-8), steps=2)
    g1, g2 = GRADS[0]["W"], GRADS[1]["W"]
    s1 = 0.1 * g1**2
    p1 = P0["W"] - 0.01 * g1 / (np.sqrt(s1) + 1e-8)
    s2 = 0.9 * s1 + 0.1 * g2**2
    np.testing.assert_allclose(out["W"], p1 - 0.01 * g2 / (np.sqrt(s2) + 1e-8), rtol=1e-10)


@pytest.mark.parametrize(
    "ours, theirs",
    [
        (lambda: SGD(0.05), lambda t, p: t.optim.SGD(p, lr=0.05)),
        (lambda: Momentum(0.05, 0.8), lambda t, p: t.optim.SGD(p, lr=0.05, momentum=0.8)),
        (lambda: RMSprop(0.01, 0.9, 1e-8), lambda t, p: t.optim.RMSprop(p, lr=0.01, alpha=0.9, eps=1e-8)),
        (lambda: Adam(0.01, 0.9, 0.999, 1e-8), lambda t, p: t.optim.Adam(p, lr=0.01, eps=1e-8)),
        (lambda: Adam(0.1, 0.5, 0.9, 1e-3), lambda t, p: t.optim.Adam(p, lr=0.1, betas=(0.5, 0.9), eps=1e-3)),
    ],
    ids=["sgd", "momentum", "rmsprop", "adam", "adam-odd-hyperparameters"],
)
def test_matches_torch_optim_over_several_steps(ours, theirs):
    torch = pytest.importorskip("torch")
    tensors = {k: torch.tensor(v.copy(), requires_grad=True) for k, v in P0.items()}
    opt = theirs(torch, list(tensors.values()))
    for g in GRADS:
        for k, t in tensors.items():
            t.grad = torch.tensor(g[k])
        opt.step()
    out = _run(ours())
    for k, t in tensors.items():
        np.testing.assert_allclose(out[k], t.detach().numpy(), rtol=1e-10, atol=1e-12)


def test_float32_parameters_stay_float32():
    params = [{"W": np.ones((2, 2), np.float32)}]
    grads = [{"W": np.full((2, 2), 0.5, np.float32)}]
    for opt in (SGD(), Momentum(), RMSprop(), Adam()):
        opt.step(params, grads)
        assert params[0]["W"].dtype == np.float32


def test_learning_rate_is_settable_and_used():
    opt = SGD(0.1)
    opt.lr = 0.5
    params = [{"w": np.array([1.0])}]
    opt.step(params, [{"w": np.array([1.0])}])
    np.testing.assert_allclose(params[0]["w"], [0.5])


@pytest.mark.parametrize("lr", [-0.1, 0.0, float("nan"), "fast"])
def test_bad_learning_rate_is_rejected(lr):
    with pytest.raises(ValueError, match="learning rate"):
        Adam(lr)


def test_bad_hyperparameters_are_rejected():
    with pytest.raises(ValueError, match=r"beta must be a number in \[0.0, 1.0\)"):
        Momentum(0.1, beta=1.0)
    with pytest.raises(ValueError, match="beta2"):
        Adam(beta2=-0.5)
    with pytest.raises(ValueError, match="parallel lists"):
        SGD().step([{}], [])
    with pytest.raises(ValueError, match="shape"):
        SGD().step([{"W": np.ones(2)}], [{"W": np.ones(3)}])


def test_state_is_kept_per_parameter_array():
    opt = Momentum(0.1, beta=0.5)
    a, b = [{"w": np.zeros(1)}], [{"w": np.zeros(1)}]
    opt.step(a, [{"w": np.ones(1)}])
    opt.step(b, [{"w": np.ones(1)}])
    np.testing.assert_allclose(a[0]["w"], b[0]["w"])  # b did not inherit a's velocity


def test_get_optimizer():
    assert isinstance(get_optimizer("adam", lr=0.1), Adam)
    opt = SGD()
    assert get_optimizer(opt) is opt
    with pytest.raises(ValueError, match="unknown optimizer 'adagrad'"):
        get_optimizer("adagrad")


def test_adam_moments_are_the_textbook_moving_averages():
    params, opt = [{"w": P0["W"].copy()}], Adam(0.01, beta1=0.8, beta2=0.9)
    m, v = np.zeros_like(P0["W"]), np.zeros_like(P0["W"])
    for g in GRADS[:4]:
        opt.step(params, [{"w": g["W"]}])
        m, v = 0.8 * m + 0.2 * g["W"], 0.9 * v + 0.1 * g["W"] ** 2
    got_m, got_v = opt.moments(params[0]["w"])
    np.testing.assert_allclose(got_m, m, rtol=1e-12)
    np.testing.assert_allclose(got_v, v, rtol=1e-12)
    with pytest.raises(KeyError):
        opt.moments(np.zeros(3))
