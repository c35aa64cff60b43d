"""The ``plankg`` command line: the one place that wires the loaders to the graph.

Exit codes (every subcommand): 0 success / the graph conforms; 1 the graph does not conform
(or a query failed); 2 an error in the input or the invocation (a file that cannot be read,
an unknown agency, a missing build).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from plankg.api.settings import Settings, get_settings

if TYPE_CHECKING:
    from plankg.graph.store import GraphStore

__all__ = ["main", "run_agency", "run_build", "run_diff", "run_inspect", "run_query", "run_validate"]

EXIT_OK, EXIT_INVALID, EXIT_ERROR = 0, 1, 2


def _progress(stage: str, seconds: float) -> None:
    print(f"  {stage:<12} {seconds * 1000:8.1f} ms", file=sys.stderr, flush=True)


def _progress_json(stage: str, seconds: float) -> None:
    print(json.dumps({"stage": stage, "seconds": seconds}), file=sys.stderr, flush=True)


def run_build(sources: Path | None, out: Path, encoding: str = "utf-8", quiet: bool = False,
              strict: bool = False, max_bytes: int | None = None, timings: bool = False,
              keep_going: bool = False, allow_contract_override: bool = False,
              home: str | None = None) -> int:
    """Build the graph from a corpus folder into ``out`` (:func:`plankg.api.pipeline.build_corpus`);
    print the per-plan report, the provisional agencies and the files skipped.

    ``strict`` turns numbering gaps, repeated files and unknown agency names into errors;
    ``keep_going`` builds what reads and lists the rest; ``max_bytes`` caps the size of one
    source file (default :data:`plankg.loaders.MAX_SOURCE_BYTES`). Every error of the input or
    the environment is one message naming file (and line and column where there is one), exit 2.
    """
    from plankg.api.pipeline import OutputError, build_corpus
    from plankg.graph.build import InvalidGraphError
    from plankg.graph.records import LoaderError, SourceErrors
    from plankg.graph.registry import REGISTRY_JURISDICTION, RegistryError, UnknownPlanError
    from plankg.graph.triples import BuildError
    from plankg.loaders import default_corpus

    folder = sources or default_corpus()
    progress = _progress_json if timings else None if quiet else _progress
    if not quiet:
        print(f"plankg build: reading {folder}", file=sys.stderr)
    try:
        result = build_corpus(folder, out, strict=strict, keep_going=keep_going, encoding=encoding,
                              max_bytes=max_bytes, allow_contract_override=allow_contract_override,
                              home=home or REGISTRY_JURISDICTION, progress=progress)
    except SourceErrors as exc:
        print(f"plankg build: error: {len(exc.errors)} problem(s); nothing written "
              "(--keep-going builds the files that read):", file=sys.stderr)
        for error in exc.errors:
            print(f"  {error}", file=sys.stderr)
        return EXIT_ERROR
    except BuildError as exc:  # BuildErrors: every unresolved name of the run
        problems = getattr(exc, "errors", [exc])
        print(f"plankg build: error: {len(problems)} problem(s); nothing written:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_ERROR
    except (LoaderError, RegistryError, UnknownPlanError, OutputError) as exc:
        print(f"plankg build: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except InvalidGraphError as exc:
        print(f"plankg build: {exc}", file=sys.stderr)
        print("plankg build: nothing written; the last good build is untouched", file=sys.stderr)
        return EXIT_INVALID
    except OSError as exc:  # a source or table that cannot be read at all
        name = getattr(exc, "filename", None) or folder
        print(f"plankg build: error: {name}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_ERROR
    report = result.report
    print(f"{'plan':<22} {'tasks':>5} {'declared':>8}")
    for slug, entry in report["plans"].items():  # type: ignore[attr-defined]
        declared = entry["declared"] if entry["declared"] is not None else "-"
        print(f"{slug:<22} {entry['tasks']:>5} {declared:>8}")
    print(f"{report['tasks']} tasks, {report['triples']} triples → {out / 'plankg.nq'}")
    provisional = report.get("provisional_agencies") or []
    if provisional:
        print(f"{len(provisional)} provisional agencies (no registry knows them; add them to "  # type: ignore[arg-type]
              "agencies.csv beside the sources to name them):")
        for agency in provisional:  # type: ignore[attr-defined]
            closest = f"  (closest known: {'、'.join(agency['closest'])})" if agency["closest"] else ""
            where = f"{agency['file']}:{agency['line']}" if agency["line"] else agency["file"]
            print(f"  {agency['name']}  [{agency['jurisdiction']}]  {where}{closest}")
    for skipped in report.get("skipped") or []:  # type: ignore[attr-defined]
        where = f"{skipped['file']}:{skipped['line']}" if skipped["line"] else skipped["file"]
        print(f"skipped: {where}: {skipped['reason']}", file=sys.stderr)
    for warning in report["warnings"]:  # type: ignore[attr-defined]
        print(f"warning: {warning}", file=sys.stderr)
    return EXIT_OK


def run_inspect(path: Path, encoding: str = "utf-8", as_json: bool = False) -> int:
    """Show how one file reads, without building: the layout chosen and why, the plans and
    items found, units by role, deadlines, targets, and every problem with its line."""
    from plankg.loaders import describe_inspection, inspect_file

    if not path.is_file():
        print(f"plankg inspect: error: {path}: not a regular file", file=sys.stderr)
        return EXIT_ERROR
    report = inspect_file(path, encoding)
    if as_json:
        print(json.dumps(report, ensure_ascii=False, indent=2, default=str))
    else:
        sys.stdout.write(describe_inspection(report).rstrip("\n") + "\n")
    return EXIT_OK


def run_validate(path: Path) -> int:
    """Validate a dump (N-Quads): re-infer from its asserted graphs and check the shapes."""
    from rdflib import Dataset

    from plankg.graph.build import union_graph
    from plankg.graph.inference import Rules, infer
    from plankg.graph.namespace import graph_iri
    from plankg.graph.resources import ontology_graph
    from plankg.graph.validate import validate_graph

    if not path.exists():
        print(f"plankg validate: error: {path} does not exist (run plankg build)", file=sys.stderr)
        return EXIT_ERROR
    dataset = Dataset()
    try:
        dataset.parse(str(path), format="nquads")
    except Exception as exc:  # rdflib raises several parser error types
        print(f"plankg validate: error: cannot parse {path}: {exc}", file=sys.stderr)
        return EXIT_ERROR
    inferred_name = graph_iri("inferred")
    asserted = {t for g in dataset.graphs() if g.identifier != inferred_name for t in g}
    quads = {graph_iri("asserted"): asserted,
             inferred_name: infer(asserted, Rules.from_ontology(ontology_graph()))}  # type: ignore[arg-type]
    result = validate_graph(union_graph(quads))  # type: ignore[arg-type]
    for finding in result.findings:
        print(finding.describe())
    if result.conforms:
        print(f"conforms ({len(result.warnings)} warnings)")
        return EXIT_OK
    print(f"does not conform: {len(result.violations)} violations")
    return EXIT_INVALID


def run_query(text: str, nquads: Path, fmt: str) -> int:
    """Run a SPARQL query against a build and print the results as a table, CSV or JSON."""
    import pyoxigraph as ox

    from plankg.graph.store import GraphStore

    if not nquads.exists():
        print(f"plankg query: error: {nquads} does not exist (run plankg build)", file=sys.stderr)
        return EXIT_ERROR
    store = GraphStore.from_nquads(nquads)
    try:
        results = store.query(text)
    except SyntaxError as exc:
        print(f"plankg query: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    if isinstance(results, ox.QueryBoolean):
        print(json.dumps({"boolean": bool(results)}) if fmt == "json" else str(bool(results)).lower())
        return EXIT_OK
    if isinstance(results, ox.QueryTriples):
        sys.stdout.write((ox.serialize(results, format=ox.RdfFormat.TURTLE) or b"").decode("utf-8"))
        return EXIT_OK
    if fmt == "json":
        sys.stdout.write((results.serialize(format=ox.QueryResultsFormat.JSON) or b"").decode("utf-8") + "\n")
        return EXIT_OK
    variables = [v.value for v in results.variables]
    rows = [[str(getattr(row[v], "value", "")) if row[v] is not None else "" for v in variables]
            for row in results]
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(variables)
        writer.writerows([safe_cell(c) for c in row] for row in rows)
        sys.stdout.write(buffer.getvalue())
    else:
        sys.stdout.write(format_table(variables, rows))
    return EXIT_OK


def open_store(nquads: Path, command: str) -> GraphStore | None:
    """The build loaded into the embedded store, or None (with a message) when missing."""
    from plankg.graph.store import GraphStore

    if not nquads.exists():
        print(f"plankg {command}: error: {nquads} does not exist (run plankg build)", file=sys.stderr)
        return None
    return GraphStore.from_nquads(nquads)


def open_serving_store(nquads: Path) -> GraphStore:
    """The build as served: its on-disk store beside the build, opened read-only (created once
    per build, :func:`plankg.graph.store.persistent_store`)."""
    from plankg.graph.store import GraphStore

    return GraphStore.open(nquads)


def run_agency(name: str, nquads: Path, fmt: str) -> int:
    """Print an agency's full responsibility list: own tasks, former names', groups'."""
    from plankg.graph.analysis import find_agencies, responsibilities

    store = open_store(nquads, "agency")
    if store is None:
        return EXIT_ERROR
    found = find_agencies(store, name)
    if not found:
        print(f"plankg agency: no agency is named {name!r}", file=sys.stderr)
        return EXIT_ERROR
    iri, label, exact = found[0]
    if not exact and len(found) > 1:
        names = "、".join(f[1] for f in found[:10])
        print(f"plankg agency: {name!r} is ambiguous: {names}", file=sys.stderr)
        return EXIT_ERROR
    rows = responsibilities(store, iri)
    header = ["plan", "n", "role", "via", "named as", "deadline", "title"]
    table = [[r.plan, str(r.number), r.role, r.via, r.holder, r.deadline or "", r.title] for r in rows]
    if fmt == "json":
        print(json.dumps({"agency": iri, "name": label, "tasks": [dict(zip(header, row, strict=True))
                                                                   for row in table]}, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([safe_cell(c) for c in row] for row in table)
    else:
        print(f"{label} <{iri}>: {len(rows)} tasks")
        sys.stdout.write(format_table(header, table))
    return EXIT_OK


def run_diff(plan_a: str, plan_b: str, nquads: Path) -> int:
    """Print what changed between two plans (carried over, new, dropped; units and targets)."""
    from plankg.graph.analysis import plan_diff

    store = open_store(nquads, "diff")
    if store is None:
        return EXIT_ERROR
    diff = plan_diff(store, plan_a, plan_b)
    if not diff.carried and not diff.new and not diff.dropped:
        print(f"plankg diff: no tasks for {plan_a} or {plan_b}", file=sys.stderr)
        return EXIT_ERROR
    print(f"{plan_a} compared with {plan_b}")
    print(f"\ncarried over ({len(diff.carried)} links):")
    for item in diff.carried:
        score = f", score {item.score}" if item.score else ""
        print(f"  {plan_a} {item.a[0]} {item.a[1]}  ⇐  {plan_b} {item.b[0]} {item.b[1]}  [{item.how}{score}]")
        if item.units_added:
            print(f"      units added: {'、'.join(item.units_added)}")
        if item.units_removed:
            print(f"      units removed: {'、'.join(item.units_removed)}")
        if item.targets_a != item.targets_b:
            print(f"      targets: {'; '.join(item.targets_b) or '-'}  →  {'; '.join(item.targets_a) or '-'}")
    print(f"\nnew in {plan_a} ({len(diff.new)}):")
    for number, title in diff.new:
        print(f"  {number} {title}")
    print(f"\nnot carried over from {plan_b} ({len(diff.dropped)}):")
    for number, title in diff.dropped:
        print(f"  {number} {title}")
    return EXIT_OK


def run_serve(settings: Settings, host: str, port: int) -> int:
    """Serve the build over HTTP, building it first when there is none."""
    import uvicorn

    from plankg.api.app import create_app

    nquads = settings.build_dir / "plankg.nq"
    if settings.sparql_endpoint:
        from plankg.api.sparql.remote import RemotePool, RemoteStore

        remote = RemoteStore(settings.sparql_endpoint, settings.remote_timeout)
        app = create_app(remote, settings, pool=RemotePool(remote, settings.max_rows),
                         dump=nquads if nquads.exists() else None)
        print(f"plankg serve: http://{host}:{port}/ over {settings.sparql_endpoint}", file=sys.stderr)
        uvicorn.run(app, host=host, port=port, log_level="warning")
        return EXIT_OK
    if not nquads.exists():
        print(f"plankg serve: no build in {settings.build_dir}; building first", file=sys.stderr)
        code = run_build(settings.sources_dir, settings.build_dir, settings.encoding)
        if code != EXIT_OK:
            return code
    from plankg.graph.errors import WorkerStartError

    try:
        store = open_serving_store(nquads)
        app = create_app(store, settings, dump=nquads)
    except WorkerStartError as exc:
        print(f"plankg serve: error: {exc}: no SPARQL query worker could start, so the service would answer "
              f"every query 503; not serving (PLANKG_QUERY_WORKERS={settings.query_workers}; see the log above)",
              file=sys.stderr)
        return EXIT_ERROR
    from plankg.api.reload import BuildWatcher

    watcher = BuildWatcher(app, nquads, settings.reload_interval).start() if settings.reload_interval > 0 else None
    print(f"plankg serve: http://{host}:{port}/ (SPARQL at /sparql, docs at /docs)", file=sys.stderr)
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning")
    finally:
        if watcher is not None:
            watcher.stop()
        app.state.served.close()
    return EXIT_OK


def run_publish(nquads: Path, endpoint: str, timeout: float, graph_store: str | None = None,
                update: str | None = None, query: str | None = None, dialect: str = "oxigraph",
                user: str | None = None) -> int:
    """Publish a build to a remote store (Graph Store Protocol into staging graphs, then a swap
    named graph by named graph); on failure, the store's own error text and exit 2, no staging
    graph left behind."""
    import os

    from plankg.api.sparql.remote import PublishError, publish_build

    if not nquads.exists():
        print(f"plankg publish: error: {nquads} does not exist (run plankg build)", file=sys.stderr)
        return EXIT_ERROR
    base = endpoint.rstrip("/")
    if dialect == "virtuoso":
        auth = "-auth" if user else ""
        urls = (graph_store or f"{base}/sparql-graph-crud{auth}", update or f"{base}/sparql{auth}",
                query or f"{base}/sparql")
        options = {"graph_param": "graph-uri", "content_type": "text/turtle"}
    else:
        urls = (graph_store or f"{base}/store", update or f"{base}/update", query or f"{base}/query")
        options = {}
    try:
        graphs = publish_build(nquads, urls[0], urls[1], timeout, query=urls[2], user=user,
                               password=os.environ.get("PLANKG_STORE_PASSWORD"), **options)
    except PublishError as exc:
        print(f"plankg publish: error: {exc}", file=sys.stderr)
        print("plankg publish: the staging graphs were dropped; the store still serves the previous version",
              file=sys.stderr)
        return EXIT_ERROR
    print(f"published {len(graphs) - 1} named graphs and their merge <{graphs[-1]}> to {base} (query at {urls[2]}; "
          f"plankg serve with PLANKG_SPARQL_ENDPOINT={urls[2]} names them as its dataset)")
    return EXIT_OK


def safe_cell(value: str) -> str:
    """A CSV cell a spreadsheet will not run as a formula: a cell that starts with ``=``, ``+``,
    ``-``, ``@``, a tab or a carriage return gets a leading apostrophe (OWASP's advice).

    >>> safe_cell("=cmd|' /C calc'!A0"), safe_cell("-5"), safe_cell("市司法局")
    ("'=cmd|' /C calc'!A0", "'-5", '市司法局')
    """
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def format_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Rows as an aligned text table (wide characters count double).

    >>> print(format_table(["a", "b"], [["1", "深圳"]]), end="")
    a | b
    --+-----
    1 | 深圳
    """
    import unicodedata

    def width(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)

    widths = [max([width(h)] + [width(r[i]) for r in rows]) for i, h in enumerate(header)]

    def line(cells: Sequence[str]) -> str:
        padded = [c + " " * (w - width(c)) for c, w in zip(cells, widths, strict=True)]
        return " | ".join(padded).rstrip() + "\n"

    return line(header) + "-+-".join("-" * w for w in widths) + "\n" + "".join(line(r) for r in rows)


def make_parser(settings: Settings) -> argparse.ArgumentParser:
    """The argument parser of the ``plankg`` command."""
    parser = argparse.ArgumentParser(
        prog="plankg", description="Build, validate and query the plankg knowledge graph.",
        epilog="Exit codes: 0 ok/conforms, 1 does not conform, 2 error.")
    sub = parser.add_subparsers(dest="command", required=True)

    build = sub.add_parser("build", help="read the corpus and write build/plankg.nq and report.json")
    build.add_argument("--sources", type=Path, default=settings.sources_dir,
                       help="folder of source *.txt files (default: the vendored corpus)")
    build.add_argument("--out", type=Path, default=settings.build_dir,
                       help=f"output folder (default: {settings.build_dir})")
    build.add_argument("--encoding", default=settings.encoding,
                       help="text encoding of the sources (default: utf-8; gb18030 for GBK)")
    build.add_argument("--quiet", action="store_true", help="no progress display")
    build.add_argument("--timings", action="store_true",
                       help="print each stage's wall time as a JSON line on stderr (for plankg-bench)")
    build.add_argument("--strict", action="store_true",
                       help="numbering gaps and repeated files are errors, not warnings")
    build.add_argument("--max-bytes", type=int, default=settings.max_source_bytes,
                       help=f"the largest source file read (default: {settings.max_source_bytes})")
    build.add_argument("--keep-going", action="store_true",
                       help="build the files that read; list the others in report.json (skipped) and exit 0")
    build.add_argument("--allow-contract-override", action="store_true",
                       help="let a plans.csv row change a contract plan's slug or title")
    build.add_argument("--home", default=None,
                       help="the jurisdiction (GB/T 2260 code) a place name alone is taken near "
                            "(default: 440300, Shenzhen; env PLANKG_HOME_JURISDICTION)")

    inspect = sub.add_parser("inspect", help="show how one source file reads, without building")
    inspect.add_argument("file", type=Path, help="a source *.txt file")
    inspect.add_argument("--encoding", default=settings.encoding)
    inspect.add_argument("--json", action="store_true", help="the inspection as JSON")

    validate = sub.add_parser("validate", help="check a dump against the SHACL shapes")
    validate.add_argument("file", type=Path, nargs="?", default=settings.build_dir / "plankg.nq",
                          help="an N-Quads dump (default: the build's plankg.nq)")

    query = sub.add_parser("query", help="run a SPARQL query (file or stdin) against the build")
    query.add_argument("file", nargs="?", default="-", help="a .rq file, or - for stdin")
    query.add_argument("--format", choices=["table", "csv", "json"], default="table")
    query.add_argument("--data", type=Path, default=settings.build_dir / "plankg.nq",
                       help="the N-Quads to query (default: the build's plankg.nq)")
    agency = sub.add_parser("agency", help="an agency's tasks under every name it has had and through its groups")
    agency.add_argument("name", help="any Chinese or English name, exact or partial")
    agency.add_argument("--format", choices=["table", "csv", "json"], default="table")
    agency.add_argument("--data", type=Path, default=settings.build_dir / "plankg.nq")

    serve = sub.add_parser("serve", help="serve SPARQL, REST, linked data and dumps (builds first if needed)")
    serve.add_argument("--host", default=settings.host, help=f"default {settings.host}")
    serve.add_argument("--port", type=int, default=settings.port, help=f"default {settings.port}")

    publish = sub.add_parser("publish", help="load the build into a remote store (Graph Store Protocol)")
    publish.add_argument("--endpoint", required=True,
                         help="the store's base URL; Oxigraph: /store (GSP), /update, /query; Virtuoso "
                              "(--dialect virtuoso): /sparql-graph-crud-auth and /sparql-auth with --user, "
                              "or /sparql-graph-crud and /sparql where SPARQL may update")
    publish.add_argument("--dialect", choices=["oxigraph", "virtuoso"], default="oxigraph",
                         help="the store's URLs and media types (default oxigraph)")
    publish.add_argument("--data", type=Path, default=settings.build_dir / "plankg.nq")
    publish.add_argument("--graph-store", help="the Graph Store Protocol URL")
    publish.add_argument("--update", help="the SPARQL Update URL")
    publish.add_argument("--query", help="the SPARQL query URL (to drop graphs an older build had)")
    publish.add_argument("--user", help="HTTP user for the store (password from PLANKG_STORE_PASSWORD)")
    publish.add_argument("--timeout", type=float, default=60.0)

    diff = sub.add_parser("diff", help="compare two plans: measures carried over, new, dropped")
    diff.add_argument("plan_a", help="a plan slug, e.g. sz-market-2024")
    diff.add_argument("plan_b", help="a plan slug, e.g. sz-market-2023-2025")
    diff.add_argument("--data", type=Path, default=settings.build_dir / "plankg.nq")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``plankg`` command; returns the exit code. A reader that stops reading early
    (``plankg inspect FILE | head``) ends the command quietly, as Unix tools do."""
    try:
        return _main(argv)
    except BrokenPipeError:
        import os

        # the reader is gone: point stdout at /dev/null so the interpreter's final flush is quiet
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK


def _main(argv: Sequence[str] | None = None) -> int:
    settings = get_settings()
    args = make_parser(settings).parse_args(argv)
    if args.command == "build":
        import os

        return run_build(args.sources, args.out, args.encoding, args.quiet, args.strict, args.max_bytes,
                         args.timings, keep_going=args.keep_going,
                         allow_contract_override=args.allow_contract_override,
                         home=args.home or os.environ.get("PLANKG_HOME_JURISDICTION"))
    if args.command == "inspect":
        return run_inspect(args.file, args.encoding, args.json)
    if args.command == "validate":
        return run_validate(args.file)
    if args.command == "query":
        text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8")
        return run_query(text, args.data, args.format)
    if args.command == "agency":
        return run_agency(args.name, args.data, args.format)
    if args.command == "publish":
        return run_publish(args.data, args.endpoint, args.timeout, args.graph_store, args.update,
                           args.query, args.dialect, args.user)
    if args.command == "serve":
        return run_serve(settings, args.host, args.port)
    if args.command == "diff":
        return run_diff(args.plan_a, args.plan_b, args.data)
    return EXIT_ERROR  # pragma: no cover - argparse rejects unknown commands


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
