"""The lock file is the truth about what runs: it lists exactly what the environment has."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# What a virtual environment brings by itself, and the project itself (`pip freeze` hides them too).
NOT_LOCKED = {"pip", "setuptools", "wheel", "bulletin"}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _locked() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[_normal(name)] = version.strip()
    return pins


def _installed() -> dict[str, str]:
    return {_normal(d.metadata["Name"]): d.version for d in metadata.distributions()
            if _normal(d.metadata["Name"]) not in NOT_LOCKED}


def test_lock_lists_exactly_the_installed_packages_at_their_versions():
    assert _locked() == _installed()


def test_every_declared_dependency_is_locked():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    names = {_normal(re.match(r"[A-Za-z0-9_.-]+", spec).group()) for spec in declared}
    assert names - set(_locked()) == set()
