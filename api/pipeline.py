"""The build pipeline as one library function: sources folder in, checked build written out.

:func:`build_corpus` is what ``plankg build``, the tests and ``bench/build.py`` call. It lives in
``plankg.api`` because it wires the loaders to the graph (``graph`` never imports ``loaders``).

Stages: registries beside the sources (``agencies.csv``, ``districts.csv``, ``jurisdictions.csv``,
``plans.csv``) → every file read (:func:`plankg.loaders.read_corpus`, every problem of every
file collected; a large corpus in worker processes, one per core) → names resolved once per
record, then triples, inference, validation (:func:`plankg.graph.build.build_dataset`) → written
into a temporary folder and swapped in (:func:`plankg.graph.build.write_build`), so a failed
build never touches the last good one → the service prepared
(:func:`plankg.graph.store.prepare_serving`: on-disk store and precomputed tables, keyed by the
new ``plankg.nq``, each written beside the old and renamed into place). The on-disk store is
loaded from the N-Quads text in a background thread as soon as the text is made
(:class:`plankg.graph.store.StoreLoad`), while validation runs; a build that fails removes it.
"""

from __future__ import annotations

import errno
import os
import time
from pathlib import Path
from typing import Any, cast

from plankg.graph.build import BuildResult, Progress, build_dataset, paused_gc, write_build
from plankg.graph.errors import OutputError
from plankg.graph.records import SourceErrors
from plankg.graph.registry import (
    REGISTRY_JURISDICTION,
    AgencyRegistry,
    DistrictRegistry,
    JurisdictionRegistry,
    PlanCatalogue,
)
from plankg.graph.store import StoreLoad, prepare_serving

__all__ = ["OutputError", "Registries", "build_corpus", "load_registries"]


class Registries:
    """The registries of a build: the packaged ones extended by the tables beside the sources."""

    def __init__(self, agencies: AgencyRegistry, districts: DistrictRegistry, plans: PlanCatalogue,
                 jurisdictions: JurisdictionRegistry) -> None:
        self.agencies, self.districts, self.plans, self.jurisdictions = agencies, districts, plans, jurisdictions


def load_registries(folder: Path, *, allow_contract_override: bool = False,
                    home: str = REGISTRY_JURISDICTION) -> Registries:
    """The packaged registries, extended or overridden by the tables in ``folder``.

    Raises:
        plankg.graph.registry.RegistryError: a table cannot be read or has a wrong row (file,
            line and column named); ``ContractOverrideError`` for a ``plans.csv`` row that would
            change a contract plan without ``allow_contract_override``.
    """
    def beside(name: str) -> Path | None:
        path = folder / name
        return path if path.exists() or path.is_symlink() else None

    return Registries(
        AgencyRegistry.load(beside("agencies.csv")),
        DistrictRegistry.load(beside("districts.csv")),
        PlanCatalogue.load(beside("plans.csv"), allow_contract_override=allow_contract_override),
        JurisdictionRegistry.load(beside("jurisdictions.csv"), home=home),
    )


def build_corpus(sources: Path | None, out: Path, *, strict: bool = False, keep_going: bool = False,
                 encoding: str = "utf-8", max_bytes: int | None = None,
                 allow_contract_override: bool = False, home: str = REGISTRY_JURISDICTION,
                 progress: Progress | None = None, write: bool = True, prepare: bool = True) -> BuildResult:
    """Build the graph of a folder of sources and write it into ``out``.

    Args:
        sources: the folder of ``*.txt`` sources (default: the vendored corpus).
        out: the build folder (``plankg.nq``, ``report.json``).
        strict: numbering gaps, cut-off items, repeated files and unknown agency names are
            errors (default: warnings, and provisional agencies).
        keep_going: build what reads; files that do not are listed in the report's
            ``skipped`` (default: stop before writing anything, naming every problem).
        encoding: the sources' text encoding.
        max_bytes: the largest source file read.
        allow_contract_override: a ``plans.csv`` row may change a contract plan's slug or title.
        home: the jurisdiction a name alone is taken near (南山区 → Shenzhen's).
        progress: called with each stage's name and wall time.
        write: False to build and validate without writing (the result is returned).
        prepare: after writing, prepare the service (:func:`plankg.graph.store.prepare_serving`:
            the on-disk store and the precomputed tables beside it, so ``plankg serve`` starts
            without loading or scanning anything); a folder where they cannot be written is
            only logged, and ``plankg serve`` then makes them (or loads the N-Quads).

    Returns:
        The build (its report carries the warnings of reading too).

    Raises:
        plankg.graph.records.LoaderError: the folder is missing or empty, or files cannot be
            read (``SourceErrors``: every problem of every file).
        plankg.graph.registry.RegistryError: a registry table beside the sources is wrong.
        plankg.graph.build.BuildErrors: names cannot be resolved (every problem of the run).
        plankg.graph.build.InvalidGraphError: the graph does not conform; nothing written.
        OutputError: ``out`` cannot be written; the last good build is untouched.
    """
    from plankg.loaders import MAX_SOURCE_BYTES, default_corpus, read_corpus

    folder = sources or default_corpus()
    started = time.perf_counter()
    with paused_gc():
        registries = load_registries(folder, allow_contract_override=allow_contract_override, home=home)
        read = read_corpus(folder, encoding=encoding, strict=strict, max_bytes=max_bytes or MAX_SOURCE_BYTES)
        if read.errors and not keep_going:
            raise SourceErrors(list(read.errors))
        if progress:
            progress("parse", time.perf_counter() - started)
        loading: list[StoreLoad] = []

        def load_store(nquads: bytearray) -> None:  # the on-disk store, loaded while validation runs
            if write and prepare and os.environ.get("PLANKG_PERSISTENT_STORE", "1") != "0":
                loading.append(StoreLoad(nquads, out))
        try:
            result = build_dataset(list(read.records), progress=progress, agencies=registries.agencies,
                                   districts=registries.districts, plans=registries.plans,
                                   jurisdictions=registries.jurisdictions, strict=strict, keep_going=keep_going,
                                   on_serialized=load_store)
        except BaseException:
            for load in loading:
                load.discard()
            raise
    loaded = loading[0] if loading else None
    report = result.report
    report["warnings"] = [*read.warnings, *report["warnings"]]  # type: ignore[misc]
    skipped = [{"file": e.file, "line": e.line, "reason": e.reason} for e in read.errors]
    report["skipped"] = [*skipped, *report["skipped"]]  # type: ignore[misc]
    files = cast(dict[str, dict[str, Any]], report["files"])
    for error in read.errors:  # a skipped file's problems are listed with the files too
        files.setdefault(error.file, {"loader": None, "layout": None, "plans": [], "problems": []})
        files[error.file]["problems"].append({"line": error.line, "message": error.reason})
    for warning in read.warnings:
        file, _, rest = warning.partition(":")
        if file in files and not any(rest.endswith(p["message"]) for p in files[file]["problems"]):
            line, _, message = rest.partition(": ")
            files[file]["problems"].append(
                {"line": int(line) if line.isdigit() else None, "message": message if line.isdigit() else rest.lstrip()})
    try:
        if write:
            _write(result, out, progress, prepare, loaded)
    finally:
        if loaded is not None:  # not taken (the build was not written, or no store is kept)
            loaded.discard()
    return result


def _write(result: BuildResult, out: Path, progress: Progress | None, prepare: bool,
           loaded: StoreLoad | None = None) -> None:
    """Write the build into ``out`` (swapped in), then prepare the service beside it.

    Raises:
        OutputError: ``out`` cannot be written; the last good build is untouched.
    """
    write_start = time.perf_counter()
    try:
        write_build(result, out)
    except OSError as exc:
        reason = {errno.ENOSPC: "the disk is full", errno.EROFS: "the file system is read-only",
                  errno.EACCES: "permission denied", errno.EEXIST: "a file, not a folder, has that name",
                  errno.ENOTDIR: "a file, not a folder, is in the path"}.get(exc.errno or 0, exc.strerror or str(exc))
        raise OutputError(f"{out}: cannot write the build there: {reason}; the last good build "
                          "(if any) is untouched") from None
    if progress:
        progress("write", time.perf_counter() - write_start)
    if prepare:
        prepare_start = time.perf_counter()
        prepare_serving(out / "plankg.nq", loaded)
        if progress:
            progress("serving", time.perf_counter() - prepare_start)
