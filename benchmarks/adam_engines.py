"""Why the fused path uses numba, not numexpr: one Adam step over the speed model's packed
parameters (235,146 float32 numbers) three ways.

* numpy: ``nnbasics.optimizers.Adam`` (ten vectorised in-place passes);
* numexpr: the same update as three ``numexpr.evaluate(..., out=)`` expressions in place
  (``M = b1 M + g``; ``V = b2 V + g*g``; ``p -= step M / (sqrt(V) + eps)``), with numexpr's
  threads set to ``--threads``;
* numba: ``nnbasics.fused.kernels.adam_update``, one compiled loop.

Run: ``python -m benchmarks.adam_engines [--threads N]``. Prints microseconds per step (the
best of several repeats, which is the least disturbed by other load on the machine).
"""

from __future__ import annotations

import argparse
import math
import timeit

import numpy as np

from benchmarks.reporting import print_table

N_PARAMS = 784 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10


def best_microseconds(fn, number: int = 50, repeat: int = 15) -> float:
    """The fastest of ``repeat`` timings of ``number`` calls, per call, in microseconds."""
    fn()
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number * 1e6


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1, help="numexpr's threads (default 1)")
    args = parser.parse_args(argv)
    from nnbasics import Adam

    rng = np.random.default_rng(0)
    p = rng.standard_normal(N_PARAMS, dtype=np.float32) * 0.05
    g = rng.standard_normal(N_PARAMS, dtype=np.float32) * 0.01
    f32 = np.float32
    b1, b2, step, eps = f32(0.9), f32(0.999), f32(1e-4), f32(1e-8)
    M, V = np.zeros_like(p), np.zeros_like(p)
    adam = Adam(1e-3)
    rows = [{"engine": "numpy (nnbasics Adam)",
             "us_per_step": best_microseconds(lambda: adam.step([{"p": p}], [{"p": g}]))}]
    try:
        import numexpr

        numexpr.set_num_threads(args.threads)
        names = {"b1": b1, "b2": b2, "step": step, "eps": eps, "M": M, "V": V, "p": p, "g": g}

        def numexpr_adam() -> None:
            numexpr.evaluate("b1 * M + g", local_dict=names, out=M)
            numexpr.evaluate("b2 * V + g * g", local_dict=names, out=V)
            numexpr.evaluate("p - step * M / (sqrt(V) + eps)", local_dict=names, out=p)

        rows.append({"engine": f"numexpr ({args.threads} threads)",
                     "us_per_step": best_microseconds(numexpr_adam)})
    except ImportError:
        rows.append({"engine": "numexpr", "us_per_step": math.nan})
    try:
        from nnbasics.fused import kernels

        rows.append({"engine": "numba (nnbasics.fused)", "us_per_step": best_microseconds(
            lambda: kernels.adam_update(p, g, M, V, b1, b2, step, eps))})
    except ImportError:
        rows.append({"engine": "numba", "us_per_step": math.nan})
    base = rows[0]["us_per_step"]
    for row in rows:
        row["vs_numpy"] = row["us_per_step"] / base
    print_table(rows, f"one Adam step over {N_PARAMS} float32 parameters (best of 15 x 50)")
    return rows


if __name__ == "__main__":
    main()
