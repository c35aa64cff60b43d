"""Loaders: source text → typed records (``plankg.graph.records``).

One module per source layout, each a pipeline of pure functions with a ``load(path)`` entry
point. :func:`load_corpus` picks the loader for each file of a folder: by the vendored
corpus's file names first, then by asking each loader whether it recognises the layout.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from itertools import repeat
from pathlib import Path

from plankg.graph.records import LoaderError, SourceErrors, SourceRecord, TaskRecord
from plankg.loaders import generic, markdown_table, news_digest, prose_plan, tab_table
from plankg.loaders.inspection import describe_inspection, inspect_file
from plankg.loaders.layout import parse_deadline
from plankg.loaders.targets import extract_milestones, extract_targets
from plankg.loaders.text import clean_line, read_source

__all__ = [
    "LOADERS",
    "MAX_SOURCE_BYTES",
    "PARALLEL_MIN_BYTES",
    "CorpusRead",
    "check_complete",
    "check_numbering",
    "choose_loader",
    "default_corpus",
    "describe_inspection",
    "inspect_file",
    "load_corpus",
    "load_file",
    "loader_for",
    "merge_records",
    "read_corpus",
    "read_manifest",
]

#: The largest source file read (a plan is a few hundred KB; the largest file of the corpus is 0.4 MB).
MAX_SOURCE_BYTES = 20_000_000
#: The total size of the ``*.txt`` files from which :func:`read_corpus` reads them in worker
#: processes, one per core: reading costs about 0.2 s a MB on one core, and starting the workers
#: and taking their records back about 0.15 s, so below about 3 MB one process is as quick (the
#: vendored corpus is 0.4 MB; a corpus 100x as large, 38 MB, reads in half the time on 2 cores).
PARALLEL_MIN_BYTES = 4_000_000
_HEADING_OR_BLANK = re.compile(r"^\s*(#.*)?$")

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


#: The specialised loaders, by the layout they read (for reports and ``plankg inspect``).
LOADERS: dict[str, Loader] = {
    "prose_plan": prose_plan.load,
    "work_points_and_key_tasks": load_work_points_and_key_tasks,
    "news_digest": news_digest.load,
    "tab_table": tab_table.load,
    "markdown_table": markdown_table.load,
    "generic": generic.load,
}


def choose_loader(path: Path, encoding: str = "utf-8") -> tuple[Loader, str]:
    """The loader for a file, chosen from what the file contains (never from its name), and
    why: a pilot list printed as tab-separated cells, a news digest of plans (重要内容如下),
    work points with markdown key-task tables, a markdown table, the Shenzhen prose layout
    (a 深圳 plan title with labelled unit lists), else the generic loader."""
    head = path.read_bytes()[:200_000].decode(encoding, errors="replace")
    if re.search(r"^\t(序号|\d+\*?)\s*$", head, re.MULTILINE):
        return tab_table.load, "tab_table: numbered rows printed one tab-separated cell per line"
    if "重要内容如下" in head:
        return news_digest.load, "news_digest: a news summary of plans (重要内容如下) with their items"
    if re.search(r"^\|\s*\d+\s*\|", head, re.MULTILINE):
        if re.search(r"^\s*\d+\s*[.．]", head, re.MULTILINE):
            return (load_work_points_and_key_tasks,
                    "work_points_and_key_tasks: numbered prose work points and markdown key-task tables")
        return markdown_table.load, "markdown_table: a markdown table of numbered rows"
    if any(prose_plan.is_plan_title(clean_line(line)) for line in head.splitlines()) and \
            re.search(r"[（(]\s*(责任|牵头)单位\s*[:：]", head):
        return prose_plan.load, "prose_plan: a 深圳 plan title line and items with labelled unit lists"
    return generic.load, "generic"


def sniff_loader(path: Path, encoding: str = "utf-8") -> Loader:
    """The loader for a file, from its layout (see :func:`choose_loader`)."""
    return choose_loader(path, encoding)[0]


def default_corpus() -> Path:
    """The folder of the vendored corpus inside the installed package."""
    from importlib import resources

    return Path(str(resources.files("plankg.data") / "sources"))


def loader_for(path: Path, encoding: str = "utf-8") -> Loader:
    """The loader for a file, chosen from its content (see :func:`choose_loader`)."""
    return choose_loader(path, encoding)[0]


def load_file(path: Path, encoding: str = "utf-8") -> SourceRecord:
    """Read one source file with the loader its layout calls for, targets and milestones read.

    A specialised loader that finds no item gives way to the generic loader.

    Raises:
        LoaderError: the file cannot be read as a plan (names file, line and reason).
    """
    loader, reason = choose_loader(path, encoding)
    try:
        record = loader(path, encoding=encoding)
        if loader is not generic.load and not any(plan.tasks for plan in record.plans):
            raise LoaderError("no items", path.name)
    except LoaderError as exc:
        # only a layout that finds nothing gives way; a fault inside a layout it recognised
        # (an item without text, a short row) is the file's problem and is reported
        if loader is generic.load or not (exc.line is None or exc.reason == "no items"):
            raise
        record = generic.load(path, encoding=encoding)
        reason = f"{record.layout} (the {reason.split(':')[0]} layout found no items)"
    else:
        reason = record.layout or reason
    return with_targets(dataclasses.replace(record, layout=reason, plans=tuple(
        dataclasses.replace(plan, jurisdiction=plan.jurisdiction or generic.place_of(plan.title),
                            period=plan.period or generic.period_of(plan.title),
                            tasks=tuple(with_precision(task) for task in plan.tasks))
        for plan in record.plans)))


def with_precision(task: TaskRecord) -> TaskRecord:
    """The task with its deadline's precision, for loaders that read only the date (a month
    end is precise to the month)."""
    rows = tuple(dataclasses.replace(row, deadline_precision=parse_deadline(row.deadline_text, row.deadline.year).precision)
                 if row.deadline is not None and row.deadline_text and row.deadline_precision is None else row
                 for row in task.rows)
    if task.deadline is None or task.deadline_precision is not None or task.deadline_text is None:
        return dataclasses.replace(task, rows=rows) if rows != task.rows else task
    precision = parse_deadline(task.deadline_text, task.deadline.year).precision
    return dataclasses.replace(task, deadline_precision=precision, rows=rows)


@dataclasses.dataclass(frozen=True)
class CorpusRead:
    """What reading a folder of sources gave: the records of the files that read, the warnings
    of the run (each naming file and line) and the problems of the files that did not read.

    Attributes:
        records: one record per file read, in file-name order.
        warnings: problems that did not stop a file, ``file:line: message`` each.
        errors: every problem that stopped a file, in file order (the file is skipped).
    """

    records: tuple[SourceRecord, ...]
    warnings: tuple[str, ...]
    errors: tuple[LoaderError, ...]


def read_corpus(directory: Path, encoding: str = "utf-8", strict: bool = False,
                max_bytes: int = MAX_SOURCE_BYTES, *,
                parallel_min_bytes: int = PARALLEL_MIN_BYTES) -> CorpusRead:
    """Read every ``*.txt`` of a folder with the loader for its layout, and check what was read,
    collecting every problem of every file rather than stopping at the first.

    A file whose bytes equal an earlier file's is read once (a warning). Numbering gaps and a
    last item cut off mid-sentence are warnings, or errors when ``strict``.

    When the files hold ``parallel_min_bytes`` or more in all and there is more than one core,
    they are read in a pool of worker processes, one per core; what is read, and the order of
    records, warnings and errors, is the same as in one process.

    Raises:
        LoaderError: the folder holds no ``*.txt`` file.
    """
    records: list[SourceRecord] = []
    warnings: list[str] = []
    errors: list[LoaderError] = []
    if not directory.is_dir():
        raise LoaderError("no such folder", str(directory))
    files = sorted(directory.glob("*.txt"))
    if not files:
        raise LoaderError("no *.txt source files in the folder", str(directory))
    seen: dict[str, str] = {}
    manifest = read_manifest(directory)
    # each file reads alone, in pure Python and on the CPU (the GIL keeps threads to one core):
    # a large corpus is read by worker processes, and put together here in file order
    workers = _workers(files, parallel_min_bytes)
    outcomes = (_read_in_pool(files, encoding, strict, max_bytes, seen, workers) if workers > 1
                else _read_in_process(files, encoding, strict, max_bytes, seen))
    for path, (record, file_warnings, error) in zip(files, outcomes, strict=True):
        if error is not None:
            errors.append(error)
            continue
        try:
            if record is not None:
                record = _with_manifest(record, manifest.get(path.name, {}), directory)
        except LoaderError as exc:
            errors.append(exc)
            continue
        warnings.extend(file_warnings)
        if record is not None:
            records.append(record)
    return CorpusRead(tuple(records), tuple(warnings), tuple(errors))


#: What reading one file gave: its record (None for a repeated file) and warnings, or the
#: problem that stopped it.
_Outcome = tuple[SourceRecord | None, list[str], LoaderError | None]


def _workers(files: list[Path], min_bytes: int) -> int:
    """How many processes should read ``files``: one per core available to this process (at
    most one per file) when they hold ``min_bytes`` or more, else 1 (read in this process)."""
    affinity = getattr(os, "sched_getaffinity", None)
    cores = len(affinity(0)) if affinity else (os.cpu_count() or 1)
    if min(cores, len(files)) < 2:
        return 1
    total = sum(path.stat().st_size for path in files if path.is_file())
    return min(cores, len(files)) if total >= min_bytes else 1


def _read_in_process(files: list[Path], encoding: str, strict: bool, max_bytes: int,
                     seen: dict[str, str]) -> Iterator[_Outcome]:
    """The outcome of each file, in file order, read one after another in this process."""
    for path in files:
        try:
            record, warnings = _read_one(path, encoding, strict, max_bytes, seen)
        except LoaderError as exc:
            yield None, [], exc
            continue
        yield record, warnings, None


def _read_in_pool(files: list[Path], encoding: str, strict: bool, max_bytes: int,
                  seen: dict[str, str], workers: int) -> Iterator[_Outcome]:
    """The outcome of each file, in file order, read in ``workers`` processes.

    Each worker reads its file as if it came first (:func:`_read_alone`); whether the file
    repeats an earlier one is decided here, in file order, so the first of equal files is the
    one read, as in one process. Workers start from a fork server (``spawn`` where there is
    none), never as a plain fork of a process whose threads may hold locks. An exception other
    than a :class:`LoaderError` in a worker is raised here, and the files not yet read are
    dropped.
    """
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method))
    try:
        results = pool.map(_read_alone, files, repeat(encoding), repeat(strict), repeat(max_bytes))
        for path, (digest, record, warnings, error) in zip(files, results, strict=True):
            try:
                repeated = _repeated(path.name, digest, seen, strict) if digest is not None else None
            except LoaderError as exc:
                yield None, [], exc
                continue
            yield (None, [repeated], None) if repeated is not None else (record, warnings, error)
    finally:
        pool.shutdown(cancel_futures=True)


def _read_alone(path: Path, encoding: str, strict: bool,
                max_bytes: int) -> tuple[str | None, SourceRecord | None, list[str], LoaderError | None]:
    """:func:`_read_one` in a worker process, as if the file came first: the sha256 of the
    file's bytes (None when they were not read as text), and its record and warnings or the
    problem that stopped it."""
    seen: dict[str, str] = {}
    try:
        record, warnings = _read_one(path, encoding, strict, max_bytes, seen)
    except LoaderError as exc:
        return next(iter(seen), None), None, [], exc
    return next(iter(seen)), record, warnings, None


def _with_manifest(record: SourceRecord, row: dict[str, str], directory: Path) -> SourceRecord:
    """``record`` with what ``MANIFEST.csv`` says of its file."""
    return dataclasses.replace(
        record, origin=row.get("origin") or None, description=row.get("description") or None,
        title=row.get("title") or None, issued=_manifest_date(row, "issued", directory),
        issuers=tuple(n.strip() for n in (row.get("issuer") or "").split("|") if n.strip()),
        retrieved=_manifest_date(row, "retrieved", directory))


def _manifest_date(row: dict[str, str], column: str, directory: Path) -> str | None:
    """A date cell of ``MANIFEST.csv`` (YYYY-MM-DD), None when empty; a :class:`LoaderError`
    naming the file and column when it is not a date."""
    value = (row.get(column) or "").strip()
    if not value:
        return None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise LoaderError(f"column {column!r} of {row.get('file')}: {value!r} is not a date (YYYY-MM-DD)",
                          "MANIFEST.csv", int(row["line"]) if row.get("line") else None)
    return value


def read_manifest(directory: Path) -> dict[str, dict[str, str]]:
    """The rows of the ``MANIFEST.csv`` beside the sources (file, sha256, origin, description;
    optionally title, issuer, issued, retrieved), by file name, each with its line number under
    ``"line"``; empty when there is none or it cannot be read as such a table."""
    import csv

    path = directory / "MANIFEST.csv"
    if not path.is_file():
        return {}
    try:
        reader = csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines())
        rows = [{**row, "line": str(reader.line_num)} for row in reader]
    except (UnicodeDecodeError, csv.Error):
        return {}
    return {row["file"]: row for row in rows if row.get("file")}


def _read_one(path: Path, encoding: str, strict: bool, max_bytes: int,
              seen: dict[str, str]) -> tuple[SourceRecord | None, list[str]]:
    """Read and check one file: its record (None for a repeated file) and its warnings."""
    if not path.is_file():
        raise LoaderError("not a regular file (a folder, device, FIFO or broken link); "
                          "remove it or rename it so it does not end in .txt", path.name)
    size = path.stat().st_size
    if size > max_bytes:
        raise LoaderError(f"the file is {size} bytes, more than the {max_bytes} a source may hold", path.name)
    lines, digest = read_source(path, encoding)
    repeated = _repeated(path.name, digest, seen, strict)
    if repeated is not None:
        return None, [repeated]
    if all(_HEADING_OR_BLANK.match(line) for line in lines):
        what = "empty" if not "".join(lines).strip() else "only headings, no items"
        raise LoaderError(f"the file is {what}", path.name, max(1, len(lines)))
    record = load_file(path, encoding)
    warnings = list(record.warnings)
    cut = check_complete(record)
    if cut is not None:
        if strict:
            raise LoaderError(cut[1] + " (an error with --strict)", path.name, cut[0])
        warnings.append(f"{path.name}:{cut[0]}: {cut[1]}; the item is kept as printed")
    gaps = check_numbering(record)
    if gaps and strict:
        raise LoaderError(gaps[0][1] + " (an error with --strict)", path.name, gaps[0][0])
    warnings.extend(f"{path.name}:{line}: {message}" for line, message in gaps)
    return record, warnings


def _repeated(name: str, digest: str, seen: dict[str, str], strict: bool) -> str | None:
    """The warning for a file whose bytes (sha256 ``digest``) equal an earlier file's, or None
    for a new file, which ``seen`` then records.

    Raises:
        LoaderError: the file repeats an earlier one and ``strict``.
    """
    if digest in seen:
        if strict:
            raise LoaderError(f"the same file as {seen[digest]}", name, 1)
        return f"{name}: the same file as {seen[digest]}; read once"
    seen[digest] = name
    return None


def load_corpus(directory: Path, encoding: str = "utf-8", strict: bool = False,
                max_bytes: int = MAX_SOURCE_BYTES,
                keep_going: bool = False) -> tuple[list[SourceRecord], list[str]]:
    """Read every ``*.txt`` of a folder (see :func:`read_corpus`).

    Returns:
        The records, in file-name order, and warnings. With ``keep_going`` the files that did
        not read are left out and named among the warnings (``skipped: file:line: reason``).

    Raises:
        SourceErrors: one or more files cannot be read, or a plan numbers two items alike;
            every problem of the run, each naming file and line (not with ``keep_going``).
    """
    read = read_corpus(directory, encoding, strict, max_bytes)
    if read.errors and not keep_going:
        raise SourceErrors(list(read.errors))
    skipped = [f"skipped: {error}" for error in read.errors]
    return list(read.records), [*read.warnings, *skipped]


def check_numbering(record: SourceRecord) -> list[tuple[int, str]]:
    """The numbering gaps of each plan of a record: (line, message) each.

    Raises:
        LoaderError: two items of one plan bear the same number (at the second one's line).
    """
    warnings: list[tuple[int, str]] = []
    for plan in record.plans:
        first_line: dict[int, int] = {}
        for task in sorted(plan.tasks, key=lambda t: t.source_line):
            if task.number in first_line:
                raise LoaderError(f"{plan.title}: item {task.number} is numbered twice (first at line "
                                  f"{first_line[task.number]})", record.file, task.source_line)
            first_line[task.number] = task.source_line
        expected = 1
        for number in sorted(first_line):
            if number != expected:
                missing = f"{expected}" if number == expected + 1 else f"{expected}–{number - 1}"
                warnings.append((first_line[number], f"{plan.title}: the numbering jumps to {number}; "
                                                     f"item {missing} is missing"))
            expected = number + 1
    return warnings


def check_complete(record: SourceRecord) -> tuple[int, str] | None:
    """The line and message when a file is cut off inside an item: its last item stops
    mid-sentence without the list of units that the plan's other items end with.

    (A plan whose items carry no units, like the port plan the digest cuts off, cannot be told
    from a complete one this way; its declared count reports the gap.) Public copies of plans
    often give only their opening, so this is a warning unless the build is strict.
    """
    if not record.plans or not record.plans[-1].tasks:
        return None
    plan = record.plans[-1]
    last = max(plan.tasks, key=lambda t: t.source_line)
    others = [t for t in plan.tasks if t is not last]
    with_units = sum(1 for t in others if t.agencies)
    if others and not last.agencies and with_units >= 0.8 * len(others) and not last.text.endswith(("。", "；", "！", "）", ")")):
        return (last.source_line,
                f"the file ends inside item {last.number} of {plan.title}: its text stops "
                f"mid-sentence, without the list of units the other items end with (cut off?)")
    return None


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
