"""Ranked full-text search over tasks (Chinese character bigrams): the one search of the CLI,
the REST route and the search page.

The searchable rows are read once per embedded store (a build never changes; from the build's
precomputed tables when it has them) and each time from a remote store (which may). Read-only
and thread-safe.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any

from plankg.graph.store import GraphStore, named_query, rows_as_dicts

__all__ = ["bigrams", "search_tasks", "search_terms", "searchable"]


def _local_id(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def _plan_of(task_iri: str) -> str:
    return task_iri.split("/plan/", 1)[1].split("/", 1)[0]


def bigrams(text: str) -> list[str]:
    """The character bigrams of a query (the whole text when shorter than two).

    >>> bigrams("公平竞争")
    ['公平', '平竞', '竞争']
    >>> bigrams("港")
    ['港']
    """
    return [text[i: i + 2] for i in range(len(text) - 1)] if len(text) > 1 else [text]


#: the searchable rows of each embedded store, read once (a build never changes)
_SEARCH_ROWS: weakref.WeakKeyDictionary[GraphStore, list[dict[str, str]]] = weakref.WeakKeyDictionary()


_SEARCH_LOCK = threading.Lock()


def searchable(store: GraphStore) -> list[dict[str, str]]:
    """Every task's IRI, title and text: read once per embedded store (thread-safe), each time
    from a remote store (which may change)."""
    if type(store) is not GraphStore:
        return rows_as_dicts(store, named_query("searchable"))
    with _SEARCH_LOCK:
        rows = _SEARCH_ROWS.get(store)
        if rows is None:
            rows = _SEARCH_ROWS[store] = rows_as_dicts(store, named_query("searchable"))
    return rows


def search_terms(q: str, phrase: bool = False) -> list[str]:
    """What a task must hold to match ``q``: in a words search the bigrams of each word (words
    are separated by spaces), in a phrase search the whole phrase.

    >>> search_terms("公平竞争 审查")
    ['公平', '平竞', '竞争', '审查']
    >>> search_terms("公平竞争 审查", phrase=True)
    ['公平竞争 审查']
    """
    q = " ".join(q.split())
    if phrase:
        return [q] if q else []
    return [t for word in q.split(" ") for t in bigrams(word)]


def search_tasks(store: GraphStore, q: str, limit: int = 20, offset: int = 0,
                 phrase: bool = False) -> list[dict[str, Any]]:
    """Tasks whose title and text hold every bigram of every word of ``q`` (a words search) or
    ``q`` itself (``phrase``), best first.

    The score counts bigram occurrences, with a bonus for the whole phrase in the text and
    another in the title; ties go by IRI, so the order is stable.
    """
    terms = search_terms(q, phrase)
    q = " ".join(q.split())
    scored = []
    for row in searchable(store) if terms else []:
        hay = row["title"] + row["text"]
        if not all(t in hay for t in terms):
            continue
        score = sum(hay.count(t) for t in terms) + (5 if q in hay else 0) + (5 if q in row["title"] else 0)
        scored.append((score, row["task"], row["title"], row["text"]))
    scored.sort(key=lambda s: (-s[0], s[1]))
    return [{"task": task, "title": title, "text": text, "score": score, "plan": _plan_of(task),
             "number": int(_local_id(task))} for score, task, title, text in scored[offset: offset + limit]]

