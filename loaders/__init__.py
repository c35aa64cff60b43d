"""Loaders: source text → typed records (``plankg.graph.records``).

One module per source layout, each a pipeline of pure functions with a ``load(path)`` entry
point. :func:`load_corpus` picks the loader for each file of a folder: by the vendored
corpus's file names first, then by asking each loader whether it recognises the layout.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable
from pathlib import Path

from plankg.graph.records import LoaderError, SourceRecord
from plankg.loaders import markdown_table, news_digest, prose_plan, tab_table
from plankg.loaders.targets import extract_milestones, extract_targets

__all__ = ["LOADERS", "default_corpus", "load_corpus", "loader_for", "merge_records"]

Loader = Callable[..., SourceRecord]


def merge_records(*records: SourceRecord) -> SourceRecord:
    """One record for a file read by several loaders (002: prose work points and a table)."""
    first = records[0]
    notices = {n.identifier: n for r in records for n in r.notices}
    plans = sorted((p for r in records for p in r.plans), key=lambda p: p.source_line)
    return SourceRecord(
        first.file, first.sha256, "+".join(r.loader for r in records), tuple(plans),
        tuple(d for r in records for d in r.declared_counts),
        tuple(w for r in records for w in r.warnings), tuple(notices.values()))


def load_work_points_and_key_tasks(path: Path, encoding: str = "utf-8") -> SourceRecord:
    """002: the work points in prose (units in a bare trailing parenthesis) and the key task
    list as markdown tables."""
    prose = prose_plan.load(path, encoding, prose_plan.Layout(bare_tail=True))
    return merge_records(prose, markdown_table.load(path, encoding))


#: The loader of each file of the vendored corpus, by name prefix.
LOADERS: dict[str, Loader] = {
    "000_": prose_plan.load,
    "001_": prose_plan.load,
    "002_": load_work_points_and_key_tasks,
    "003_": news_digest.load,
    "004_": tab_table.load,
}


def sniff_loader(path: Path, encoding: str = "utf-8") -> Loader:
    """The loader for a file outside the vendored corpus, from its layout."""
    head = path.read_bytes()[:200_000].decode(encoding, errors="replace")
    if re.search(r"^\t(序号|\d+\*?)\s*$", head, re.MULTILINE):
        return tab_table.load
    if "重要内容如下" in head:
        return news_digest.load
    if re.search(r"^\|\s*\d+\s*\|", head, re.MULTILINE):
        if re.search(r"^\s*\d+\s*[.．]", head, re.MULTILINE):
            return load_work_points_and_key_tasks
        return markdown_table.load
    if re.search(r"（[^（）]*）\s*$", head, re.MULTILINE) and "单位" not in head:
        return functools.partial(prose_plan.load, layout=prose_plan.Layout(bare_tail=True))
    return prose_plan.load


def default_corpus() -> Path:
    """The folder of the vendored corpus inside the installed package."""
    from importlib import resources

    return Path(str(resources.files("plankg.data") / "sources"))


def loader_for(path: Path, encoding: str = "utf-8") -> Loader:
    """The loader for a file: by the corpus's file-name prefix, else by its layout."""
    for prefix, loader in LOADERS.items():
        if path.name.startswith(prefix):
            return loader
    return sniff_loader(path, encoding)


def load_corpus(directory: Path, encoding: str = "utf-8") -> tuple[list[SourceRecord], list[str]]:
    """Read every ``*.txt`` of a folder with the loader for its layout.

    Returns:
        The records, in file-name order, and warnings.

    Raises:
        LoaderError: a file cannot be read (names file and line).
    """
    records: list[SourceRecord] = []
    warnings: list[str] = []
    files = sorted(directory.glob("*.txt"))
    if not files:
        raise LoaderError("no *.txt source files in the folder", str(directory))
    for path in files:
        records.append(with_targets(loader_for(path, encoding)(path, encoding=encoding)))
    return records, warnings


def with_targets(record: SourceRecord) -> SourceRecord:
    """The record with each task's targets and milestones read from its text. An annual plan
    (one year in its title) ties targets without a year of their own to that year."""
    plans = []
    for plan in record.plans:
        years = re.findall(r"(20\d{2})", plan.title)
        annual = int(years[0]) if len(set(years)) == 1 else None
        tasks = tuple(
            dataclasses.replace(task, targets=extract_targets(task.text, annual),
                                milestones=extract_milestones(task.text))
            for task in plan.tasks)
        plans.append(dataclasses.replace(plan, tasks=tasks))
    return dataclasses.replace(record, plans=tuple(plans))
