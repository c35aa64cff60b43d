"""What a loader reads from one file, without building: the layout chosen and why, the plans
and items found, units by role, deadlines, targets and every problem with its line.

:func:`inspect_file` gives it as plain data (what ``plankg inspect FILE --json`` prints);
:func:`describe_inspection` as text for people.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from plankg.graph.records import LoaderError, SourceRecord, TaskRecord

__all__ = ["describe_inspection", "inspect_file", "inspect_record"]

_LINE = re.compile(r"^[^:]+:(\d+): (.*)$", re.DOTALL)


def _task(task: TaskRecord) -> dict[str, Any]:
    roles: dict[str, list[str]] = {"lead": [], "participating": [], "responsible": []}
    for mention in task.agencies:
        roles[mention.role].append(mention.name)
    deadline = None
    if task.deadline_text is not None:
        deadline = {"text": task.deadline_text,
                    "date": task.deadline.isoformat() if task.deadline else None,
                    "precision": task.deadline_precision}
    return {
        "number": task.number, "line": task.source_line, "title": task.title, **roles,
        "others": task.agencies_open, "deadline": deadline,
        "targets": [{"value": str(t.value), "unit": t.unit, "comparator": t.comparator,
                     "year": t.year} for t in task.targets],
    }


def _problem(text: str) -> dict[str, Any]:
    match = _LINE.match(text)
    if match:
        return {"line": int(match.group(1)), "message": match.group(2)}
    return {"line": None, "message": text.split(": ", 1)[-1]}


def inspect_record(record: SourceRecord, problems: list[str]) -> dict[str, Any]:
    """A read record as plain data (see :func:`inspect_file`)."""
    return {
        "file": record.file,
        "layout": record.layout or record.loader,
        "plans": [{
            "title": plan.title, "title_printed": plan.title_printed, "line": plan.source_line,
            "issuer": plan.issuer, "issued": plan.issued.isoformat() if plan.issued else None,
            "identifier": plan.identifier, "jurisdiction": plan.jurisdiction,
            "period": list(plan.period) if plan.period else None,
            "tasks": [_task(t) for t in plan.tasks],
        } for plan in record.plans],
        "problems": [_problem(p) for p in problems],
    }


def inspect_file(path: Path, encoding: str = "utf-8") -> dict[str, Any]:
    """Read one file as a build would and say what was read, without building.

    Returns:
        ``{"file", "layout", "plans": [{"title", "issuer", "issued", "identifier",
        "jurisdiction", "period", "tasks": [{"number", "line", "title", "lead",
        "participating", "responsible", "others", "deadline", "targets"}]}], "problems":
        [{"line", "message"}]}``; a file that cannot be read gives no plans and its problem.
    """
    from plankg.loaders import check_complete, check_numbering, load_file

    try:
        record = load_file(path, encoding)
    except LoaderError as exc:
        return {"file": path.name, "layout": None, "plans": [],
                "problems": [{"line": exc.line, "message": exc.reason}]}
    problems = list(record.warnings)
    cut = check_complete(record)
    if cut:
        problems.append(f"{record.file}:{cut[0]}: {cut[1]}")
    try:
        problems.extend(f"{record.file}:{line}: {message}" for line, message in check_numbering(record))
    except LoaderError as exc:
        problems.append(str(exc))
    return inspect_record(record, problems)


def describe_inspection(report: dict[str, Any]) -> str:
    """The inspection as text: one block per plan, one line per item."""
    out = [f"{report['file']}", f"  layout: {report['layout']}"]
    for plan in report["plans"]:
        facts = [f"{k} {plan[k]}" for k in ("issuer", "issued", "identifier", "jurisdiction") if plan[k]]
        if plan["period"]:
            facts.append(f"period {plan['period'][0]}–{plan['period'][1]}")
        printed = "" if plan["title_printed"] else " (no title printed)"
        out.append(f"  plan: {plan['title']}{printed} (line {plan['line']}), {len(plan['tasks'])} items")
        if facts:
            out.append("    " + "; ".join(facts))
        for task in plan["tasks"]:
            out.append(f"    {task['number']:>3} L{task['line']:<5} {task['title'][:48]}")
            roles = [f"{role}: {'、'.join(task[role])}" for role in ("lead", "participating", "responsible")
                     if task[role]]
            if task["others"]:
                roles.append("and others")
            if roles:
                out.append(f"{'':14}units — " + "; ".join(roles))
            if task["deadline"]:
                d = task["deadline"]
                out.append(f"{'':14}deadline — {d['text']}" + (f" → {d['date']} ({d['precision']})" if d["date"] else ""))
            for t in task["targets"]:
                out.append(f"{'':14}target — {t['comparator']} {t['value']} {t['unit']}")
    for problem in report["problems"]:
        where = f"line {problem['line']}" if problem["line"] else "file"
        out.append(f"  problem ({where}): {problem['message']}")
    if not report["problems"]:
        out.append("  no problems")
    return "\n".join(out)
