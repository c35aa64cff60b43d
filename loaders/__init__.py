"""Loaders: source text → typed records (``plankg.graph.records``).

One module per source layout, each a pipeline of pure functions with a ``load(path)`` entry
point. :func:`load_corpus` picks the loader for each file of a folder: by the vendored
corpus's file names first, then by asking each loader whether it recognises the layout.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from plankg.graph.records import LoaderError, SourceRecord
from plankg.loaders import prose_plan

__all__ = ["LOADERS", "default_corpus", "load_corpus", "loader_for"]

Loader = Callable[..., SourceRecord]

#: The loader of each file of the vendored corpus, by name prefix.
LOADERS: dict[str, Loader] = {
    "000_": prose_plan.load,
}


def default_corpus() -> Path:
    """The folder of the vendored corpus inside the installed package."""
    from importlib import resources

    return Path(str(resources.files("plankg.data") / "sources"))


def loader_for(path: Path) -> Loader | None:
    """The loader for a file: by the corpus's file-name prefix, else None."""
    for prefix, loader in LOADERS.items():
        if path.name.startswith(prefix):
            return loader
    return None


def load_corpus(directory: Path, encoding: str = "utf-8") -> tuple[list[SourceRecord], list[str]]:
    """Read every ``*.txt`` of a folder with the loader for its layout.

    Returns:
        The records, in file-name order, and warnings for files no loader reads.

    Raises:
        LoaderError: a file cannot be read (names file and line).
    """
    records: list[SourceRecord] = []
    warnings: list[str] = []
    files = sorted(directory.glob("*.txt"))
    if not files:
        raise LoaderError("no *.txt source files in the folder", str(directory))
    for path in files:
        loader = loader_for(path)
        if loader is None:
            warnings.append(f"{path.name}: no loader recognises this layout; skipped")
            continue
        records.append(loader(path, encoding=encoding))
    return records, warnings
