"""Run the ``>>>`` examples of every module of the installed package."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

PACKAGES = ["plankg.graph", "plankg.loaders", "plankg.api"]
MODULES = sorted(
    name
    for package in PACKAGES
    for _, name, _ in pkgutil.walk_packages(importlib.import_module(package).__path__,
                                            prefix=f"{package}.")
)


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    module = importlib.import_module(name)
    failures, _ = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert failures == 0
