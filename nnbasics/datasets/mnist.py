"""MNIST, offline first.

``load_mnist`` reads the four original IDX files from ``<data_dir>/MNIST/raw/`` (torchvision's
layout; ``.gz`` or already extracted), verifies the MD5 of the ``.gz`` files, and keeps a parsed
copy in the cache directory so later loads take a fraction of a second. When the files are
missing it asks torchvision to download them (when online) into the data directory.
"""

from __future__ import annotations

import gzip
import hashlib
import os
from pathlib import Path

import numpy as np

from nnbasics.datasets.paths import DATA_ENV, cache_dir, data_dir

# file stem -> MD5 of the published .gz (the same checksums torchvision verifies)
MNIST_FILES = {
    "train-images-idx3-ubyte": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
    "train-labels-idx1-ubyte": "d53e105ee54ea40749a09fcbcd1e9432",
    "t10k-images-idx3-ubyte": "9fb629c4189551a2d022fa330f9573f3",
    "t10k-labels-idx1-ubyte": "ec29112dd5afa0611ce80d1b7f02629c",
}
_IDX_UBYTE = 0x08
_CACHE_NAME = "mnist-v1.npz"


class MNISTNotFoundError(FileNotFoundError):
    """MNIST is neither in the data directory nor downloadable right now."""


def load_mnist(
    root: str | os.PathLike | None = None, download: bool = True
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Load MNIST as ``(X_train, y_train, X_test, y_test)``.

    Shapes and types: ``X_train (60000, 28, 28) uint8``, ``y_train (60000,) int64``,
    ``X_test (10000, 28, 28) uint8``, ``y_test (10000,) int64``.
    ``root`` defaults to ``$NNBASICS_DATA`` (see :func:`nnbasics.datasets.data_dir`).
    With ``download=True`` missing files are fetched through torchvision (needs internet).
    """
    raw = data_dir(root) / "MNIST" / "raw"
    if _missing_files(raw):
        if download:
            _download_with_torchvision(raw)
        else:
            raise MNISTNotFoundError(_missing_message(raw, reason="download=False"))
    arrays = _load_cached(raw)
    return (arrays["X_train"], arrays["y_train"], arrays["X_test"], arrays["y_test"])


def _file_in(raw: Path, stem: str) -> Path | None:
    for candidate in (raw / f"{stem}.gz", raw / stem):
        if candidate.is_file():
            return candidate
    return None


def _missing_files(raw: Path) -> list[str]:
    return [stem for stem in MNIST_FILES if _file_in(raw, stem) is None]


def _missing_message(raw: Path, reason: str) -> str:
    missing = ", ".join(f"{stem}.gz" for stem in _missing_files(raw)) or "(none)"
    return (
        f"MNIST not found: searched {raw} and the files {missing} are missing ({reason}).\n"
        "Fix it in one of two ways:\n"
        f"  1. point the course at a folder that holds MNIST/raw/*.gz: set the environment "
        f"variable {DATA_ENV}=/path/to/data (or call load_mnist(root='/path/to/data'));\n"
        "  2. go online and call load_mnist(download=True): torchvision downloads the four "
        f"files (about 11 MB) into {raw}."
    )


def _download_with_torchvision(raw: Path) -> None:
    try:
        from torchvision.datasets import MNIST
    except ImportError as error:
        raise MNISTNotFoundError(_missing_message(raw, reason="torchvision is not installed")) from error
    root = raw.parent.parent
    try:
        root.mkdir(parents=True, exist_ok=True)
        MNIST(str(root), train=True, download=True)
        MNIST(str(root), train=False, download=True)
    except (OSError, RuntimeError) as error:
        raise MNISTNotFoundError(_missing_message(raw, reason=f"download failed: {error}")) from error


def _cache_key(raw: Path) -> str:
    stats = [(p.name, p.stat().st_size, int(p.stat().st_mtime)) for p in sorted(raw.iterdir())]
    return hashlib.md5(repr((str(raw.resolve()), stats)).encode()).hexdigest()[:12]


def _load_cached(raw: Path) -> dict[str, np.ndarray]:
    cache_file = cache_dir() / f"{_cache_key(raw)}-{_CACHE_NAME}"
    if cache_file.is_file():
        try:
            with np.load(cache_file) as stored:
                return {name: stored[name] for name in stored.files}
        except (OSError, ValueError):
            cache_file.unlink(missing_ok=True)  # a truncated cache: rebuild it below
    arrays = {
        "X_train": _read_idx(raw, "train-images-idx3-ubyte"),
        "y_train": _read_idx(raw, "train-labels-idx1-ubyte").astype(np.int64),
        "X_test": _read_idx(raw, "t10k-images-idx3-ubyte"),
        "y_test": _read_idx(raw, "t10k-labels-idx1-ubyte").astype(np.int64),
    }
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        partial = cache_file.with_suffix(f".{os.getpid()}.tmp.npz")
        np.savez(partial, **arrays)
        partial.replace(cache_file)
    except OSError:
        pass  # an unwritable cache only costs speed
    return arrays


def _read_idx(raw: Path, stem: str) -> np.ndarray:
    """Parse one IDX file (big-endian header: magic, then one uint32 per dimension)."""
    path = _file_in(raw, stem)
    assert path is not None
    data = path.read_bytes()
    if path.suffix == ".gz":
        digest = hashlib.md5(data).hexdigest()
        if digest != MNIST_FILES[stem]:
            raise ValueError(
                f"{path} is corrupt (MD5 {digest}, expected {MNIST_FILES[stem]}); "
                "delete it and download it again with load_mnist(download=True)"
            )
        data = gzip.decompress(data)
    zero, dtype_code, n_dims = data[0] | data[1], data[2], data[3]
    if zero != 0 or dtype_code != _IDX_UBYTE:
        raise ValueError(f"{path} is not an unsigned-byte IDX file; is it really MNIST?")
    shape = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(n_dims))
    body = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * n_dims)
    if body.size != int(np.prod(shape)):
        raise ValueError(f"{path} is truncated: header says {shape}, found {body.size} bytes")
    return body.reshape(shape).copy()
