"""The set-up files agree: environment.yml (conda/Binder) declares exactly the pip pins."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
CONDA_TO_PIP = {"pytorch": "torch"}


def _pip_pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = line.split("==")
            pins[name.lower()] = version
    return pins


def _lock() -> dict[str, str]:
    lock = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==")
            lock[re.sub(r"[-_.]+", "-", name.lower())] = version.strip()
    return lock


def test_environment_yml_parses_and_matches_pip_pins():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"][0] == "conda-forge"
    conda = {}
    for entry in env["dependencies"]:
        if isinstance(entry, str) and "=" in entry:
            name, version = entry.split("=")[:2]
            conda[CONDA_TO_PIP.get(name, name).lower()] = version
    assert conda.pop("python") == "3.11"
    pip_section = next(e["pip"] for e in env["dependencies"] if isinstance(e, dict))
    for entry in pip_section:  # packages conda-forge lacks come from pip, pinned the same way
        if "==" in entry:
            name, version = entry.split("#", 1)[0].strip().split("==")
            conda[name.lower()] = version
    assert conda == _pip_pins(), "environment.yml and requirements.txt list different packages or versions"
    assert "-e ." in pip_section, "conda users must get nnbasics installed too"


def test_torch_is_cpu_only_in_conda():
    text = (ROOT / "environment.yml").read_text()
    assert re.search(r"pytorch=[\d.]+=cpu_\*", text)


def test_every_pin_is_in_the_lock_with_the_same_version():
    lock = _lock()
    for name, version in _pip_pins().items():
        key = re.sub(r"[-_.]+", "-", name)
        assert lock.get(key) == version, f"{name}=={version} is not what requirements.lock pins ({lock.get(key)})"
