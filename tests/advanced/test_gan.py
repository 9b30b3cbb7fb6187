"""1-D GAN: the generator's gradient flows correctly through the frozen discriminator, and
training moves the generated distribution onto the target."""

import numpy as np
import pytest

from nnbasics import Adam
from nnbasics.advanced.gan import GAN1D, gaussian_sampler
from nnbasics.gradcheck import numerical_gradient, relative_error


class RecordingOptimizer:
    """Stands in for an optimizer: keeps copies of the gradients it is given, changes nothing."""

    def step(self, params, grads):
        self.grads = [{k: g.copy() for k, g in d.items()} for d in grads]


def test_generator_step_gradient_matches_finite_differences_through_the_discriminator():
    gan = GAN1D(noise_dim=2, hidden=5, seed=0)
    state = gan.rng.bit_generator.state
    z = gan.rng.standard_normal((6, 2))
    gan.rng.bit_generator.state = state  # generator_step will draw the same z
    d_before = [{k: v.copy() for k, v in d.items()} for d in gan.discriminator.params]

    recorder = RecordingOptimizer()
    loss = gan.generator_step(6, recorder)
    ones = np.ones((6, 1))

    def generator_loss(_):
        return gan.discriminator.loss(gan.generator.forward(z), ones)

    assert loss == pytest.approx(generator_loss(None), rel=1e-12)
    for params, grads in zip(gan.generator.params, recorder.grads, strict=True):
        for key, value in params.items():
            numeric = numerical_gradient(generator_loss, value)
            assert relative_error(grads[key], numeric) <= 1e-6, key
    for before, after in zip(d_before, gan.discriminator.params, strict=True):
        for key in before:
            np.testing.assert_array_equal(before[key], after[key])  # D is not updated by a G step


def test_discriminator_step_learns_to_separate_real_from_generated():
    gan = GAN1D(seed=0)
    sample = gaussian_sampler(3.0, 0.5)
    optimizer = Adam(1e-2)
    first = gan.discriminator_step(sample(128, gan.rng), optimizer)
    for _ in range(150):
        last = gan.discriminator_step(sample(128, gan.rng), optimizer)
    assert last < 0.5 * first  # the untrained generator's samples (near 0) are easy to spot


def test_training_moves_the_generated_mean_onto_the_target():
    gan = GAN1D(seed=0)
    start_mean = gan.generate(2000).mean()
    history = gan.train(gaussian_sampler(3.0, 0.5), steps=600, log_every=100)
    assert abs(start_mean - 3.0) > 2.0
    assert abs(gan.generate(5000).mean() - 3.0) < 0.3
    assert history["step"] == [100, 200, 300, 400, 500, 600]
    assert set(history) == {"step", "d_loss", "g_loss", "mean", "std"}
    assert all(np.isfinite(history["d_loss"]))


def test_bad_arguments_are_explained():
    with pytest.raises(ValueError, match="std must be positive"):
        gaussian_sampler(0.0, 0.0)
    with pytest.raises(ValueError, match="positive"):
        GAN1D().train(gaussian_sampler(0.0, 1.0), steps=0)
