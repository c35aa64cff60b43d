"""The install layout: one namespace, every folder packaged, the CLI answers --help."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from importlib import resources

import pytest

from tests.helpers import REPO


def test_every_python_folder_is_in_the_packages_list() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    mapping = config["tool"]["setuptools"]["package-dir"]
    packages = set(config["tool"]["setuptools"]["packages"])
    assert packages == set(mapping)
    for package, folder in mapping.items():
        assert (REPO / folder / "__init__.py").exists(), f"{folder} needs an __init__.py"
        subfolders = [p for p in (REPO / folder).iterdir()
                      if p.is_dir() and (p / "__init__.py").exists()]
        for sub in subfolders:
            assert f"{package}.{sub.name}" in packages, f"{sub} is missing from packages"


def test_data_is_installed_with_the_package() -> None:
    sources = resources.files("plankg.data") / "sources"
    names = sorted(p.name for p in sources.iterdir() if p.name.endswith(".txt"))
    assert names == [
        "000_35404b1995788393.txt", "001_560f08f7727a2982.txt", "002_5a9a178f36e254ae.txt",
        "003_a85699c24c36714f.txt", "004_bb859e5053b7b54d.txt",
    ]
    assert (resources.files("plankg.ontology") / "plankg.ttl").is_file()
    assert (resources.files("plankg.shapes") / "plankg-shapes.ttl").is_file()


def test_manifest_matches_the_vendored_files() -> None:
    import csv
    import hashlib

    folder = REPO / "data" / "sources"
    rows = list(csv.DictReader((folder / "MANIFEST.csv").open(encoding="utf-8")))
    assert len(rows) == 5
    for row in rows:
        digest = hashlib.sha256((folder / row["file"]).read_bytes()).hexdigest()
        assert digest == row["sha256"], row["file"]


@pytest.mark.parametrize("command", [[], ["build"], ["validate"], ["query"], ["agency"], ["diff"], ["serve"]])
def test_cli_help(command: list[str]) -> None:
    result = subprocess.run([sys.executable, "-m", "plankg.api.cli", *command, "--help"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "usage: plankg" in result.stdout
