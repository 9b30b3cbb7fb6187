"""A tiny 1-D generative adversarial network (GAN), built from two ``MLP`` models.

The *generator* G turns random noise ``z ~ N(0, 1)`` into samples ``x = G(z)``; the
*discriminator* D outputs the probability that a sample is real. They are trained in turns:

1. D steps: ordinary ``train_step``s of D on real samples (label 1) and G's samples (label 0);
2. G step: G is changed so that D calls its samples real. Its loss is ``-log D(G(z))`` (binary
   cross-entropy with target 1); the gradient flows back *through* D (whose weights stay put)
   into G, and only G's optimizer takes a step.

When the game settles, D cannot tell real from fake (it outputs about 0.5 everywhere) and G's
samples follow the real distribution.

GAN training is fragile. Two standard stabilisers are used by default: several D steps per G step,
and a larger learning rate for D than for G (the "two time-scale update rule"), so that D stays a
good judge while G moves.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from nnbasics.model import MLP
from nnbasics.optimizers import Adam, Optimizer


def gaussian_sampler(mean: float, std: float) -> Callable[[int, np.random.Generator], np.ndarray]:
    """``sample(n, rng) -> (n, 1)`` draws from N(mean, std**2): the "real data" of the demo."""
    if not std > 0:
        raise ValueError(f"std must be positive, got {std}")

    def sample(n: int, rng: np.random.Generator) -> np.ndarray:
        return rng.normal(mean, std, size=(n, 1))

    return sample


class GAN1D:
    """Generator ``MLP([noise_dim, hidden, hidden, 1])`` (linear output) against discriminator
    ``MLP([1, hidden, hidden, 1])`` (sigmoid output, binary cross-entropy).

    ``train(sample_real, steps)`` alternates ``d_steps`` D steps and one G step and returns a
    history dict of lists (``step``, ``d_loss``, ``g_loss``, ``mean``, ``std``: the generated
    samples' statistics), recorded every ``log_every`` steps.
    """

    def __init__(self, noise_dim: int = 1, hidden: int = 16, seed: int = 0) -> None:
        self.noise_dim = noise_dim
        self.generator = MLP([noise_dim, hidden, hidden, 1], activation="tanh", output="linear",
                             loss="mse", seed=seed, dtype=np.float64)
        self.discriminator = MLP([1, hidden, hidden, 1], activation="leaky_relu",
                                 output="sigmoid", loss="bce", seed=seed + 1, dtype=np.float64)
        self.rng = np.random.default_rng(seed)

    def generate(self, n: int) -> np.ndarray:
        """``n`` fresh samples of the generator, shape ``(n,)``."""
        z = self.rng.standard_normal((n, self.noise_dim))
        return self.generator.forward(z)[:, 0]

    def discriminator_step(self, real: np.ndarray, optimizer: Optimizer) -> float:
        """One D update on ``real`` (n, 1) and as many generated samples; returns D's loss."""
        fake = self.generator.forward(self.rng.standard_normal((len(real), self.noise_dim)))
        X = np.concatenate([real, fake])
        y = np.concatenate([np.ones(len(real)), np.zeros(len(fake))])
        return self.discriminator.train_step(X, y, optimizer)

    def generator_step(self, n: int, optimizer: Optimizer) -> float:
        """One G update on ``n`` samples, through the frozen D; returns ``mean(-log D(G(z)))``."""
        D, G = self.discriminator, self.generator
        fake = G.logits(self.rng.standard_normal((n, self.noise_dim)), training=True)
        probabilities = D.logits(fake, training=True)
        loss = D.loss_fn.forward(probabilities, np.ones((n, 1)))  # "pretend they are real"
        dout = D.loss_fn.backward()
        for layer in reversed(D.layers):  # only to reach dL/dfake: D's optimizer is not called
            dout = layer.backward(dout)
        for layer in reversed(G.layers):
            dout = layer.backward(dout)
        optimizer.step(G.params, G.grads)
        return loss

    def train(
        self,
        sample_real: Callable[[int, np.random.Generator], np.ndarray],
        steps: int = 2000,
        batch_size: int = 128,
        d_steps: int = 3,
        d_lr: float = 2e-3,
        g_lr: float = 5e-4,
        log_every: int = 50,
        progress: bool = False,
    ) -> dict[str, list[float]]:
        """Run ``steps`` rounds of ``d_steps`` D updates then one G update (Adam, beta1 = 0.5);
        return the logged history (see the class)."""
        from nnbasics.progress import make_progress

        if min(steps, batch_size, d_steps, log_every) < 1:
            raise ValueError("steps, batch_size, d_steps and log_every must be positive")
        d_optimizer, g_optimizer = Adam(d_lr, beta1=0.5), Adam(g_lr, beta1=0.5)
        history: dict[str, list[float]] = {k: [] for k in ("step", "d_loss", "g_loss", "mean", "std")}
        bar = make_progress(progress, total=steps, desc="GAN")
        try:
            for step in range(1, steps + 1):
                for _ in range(d_steps):
                    d_loss = self.discriminator_step(sample_real(batch_size, self.rng), d_optimizer)
                g_loss = self.generator_step(batch_size, g_optimizer)
                if not (np.isfinite(d_loss) and np.isfinite(g_loss)):
                    raise FloatingPointError(f"GAN training diverged at step {step}; lower the lrs")
                if step % log_every == 0 or step == steps:
                    samples = self.generate(1000)
                    for key, value in (("step", step), ("d_loss", d_loss), ("g_loss", g_loss),
                                       ("mean", samples.mean()), ("std", samples.std())):
                        history[key].append(float(value))
                bar.update(1)
        finally:
            bar.close()
        return history
