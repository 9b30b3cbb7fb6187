"""MNIST loading: offline from the raw files, equal to torchvision's parse, clear errors."""

import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from nnbasics.datasets import MNISTNotFoundError, load_mnist
from nnbasics.datasets import mnist as mnist_module

SHARED = Path(os.environ.get("NNBASICS_DATA", "")) / "MNIST" / "raw"
needs_mnist = pytest.mark.skipif(not SHARED.is_dir(), reason="MNIST raw files not available")


@pytest.fixture
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("NNBASICS_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


@needs_mnist
def test_offline_load_shapes_dtypes_and_label_range(private_cache):
    X_train, y_train, X_test, y_test = load_mnist(download=False)
    assert X_train.shape == (60000, 28, 28) and X_train.dtype == np.uint8
    assert X_test.shape == (10000, 28, 28) and X_test.dtype == np.uint8
    assert y_train.shape == (60000,) and y_test.shape == (10000,)
    assert y_train.dtype == np.int64
    assert set(np.unique(y_train)) == set(range(10))
    # every class is present in a plausible share (MNIST is close to balanced)
    assert np.bincount(y_train).min() > 5000
    assert 0 < X_train.mean() < 60 and X_train.max() == 255


@needs_mnist
def test_matches_torchvision_parse(tmp_path, private_cache):
    torchvision = pytest.importorskip("torchvision")
    raw_copy = tmp_path / "data" / "MNIST" / "raw"
    shutil.copytree(SHARED, raw_copy)
    reference_train = torchvision.datasets.MNIST(str(tmp_path / "data"), train=True, download=True)
    reference_test = torchvision.datasets.MNIST(str(tmp_path / "data"), train=False, download=True)
    X_train, y_train, X_test, y_test = load_mnist(root=tmp_path / "data", download=False)
    np.testing.assert_array_equal(X_train, reference_train.data.numpy())
    np.testing.assert_array_equal(y_train, reference_train.targets.numpy())
    np.testing.assert_array_equal(X_test, reference_test.data.numpy())
    np.testing.assert_array_equal(y_test, reference_test.targets.numpy())


@needs_mnist
def test_second_load_comes_from_the_cache(private_cache, monkeypatch):
    first = load_mnist(download=False)

    def no_parsing(*_args):
        raise AssertionError("the raw files were parsed again despite the cache")

    monkeypatch.setattr(mnist_module, "_read_idx", no_parsing)
    second = load_mnist(download=False)
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)
    assert list(private_cache.glob("*.npz"))


def test_missing_data_error_names_directory_and_both_fixes(tmp_path, private_cache):
    with pytest.raises(MNISTNotFoundError) as caught:
        load_mnist(root=tmp_path / "nowhere", download=False)
    message = str(caught.value)
    assert str(tmp_path / "nowhere" / "MNIST" / "raw") in message
    assert "NNBASICS_DATA" in message
    assert "download=True" in message


def test_failed_download_gives_the_same_clear_error(tmp_path, private_cache, monkeypatch):
    datasets = pytest.importorskip("torchvision.datasets")

    def offline(*_args, **_kwargs):
        raise RuntimeError("Error downloading train-images-idx3-ubyte.gz")

    monkeypatch.setattr(datasets, "MNIST", offline)
    with pytest.raises(MNISTNotFoundError, match="download failed") as caught:
        load_mnist(root=tmp_path / "offline", download=True)
    assert "NNBASICS_DATA" in str(caught.value)


@needs_mnist
def test_corrupt_file_is_rejected_with_a_fix(tmp_path, private_cache):
    raw_copy = tmp_path / "data" / "MNIST" / "raw"
    shutil.copytree(SHARED, raw_copy)
    target = raw_copy / "t10k-labels-idx1-ubyte.gz"
    target.chmod(0o644)
    target.write_bytes(target.read_bytes()[:-10] + b"0123456789")
    with pytest.raises(ValueError, match="corrupt.*download it again"):
        load_mnist(root=tmp_path / "data", download=False)
