"""Links across plans and years: key-task rows that elaborate work points, tasks that produce
plans, annex items and the plan tasks they carry out, and related measures found by text
similarity.

Related measures: each task's title and text become a bag of Chinese character bigrams
(punctuation, digits and Latin letters dropped), weighted by TF-IDF over all stated tasks;
two tasks of different plans are compared by cosine similarity. Every pair at or above
:data:`CANDIDATE_FLOOR` is stated as a qualified link (``pk:TaskLink`` with ``pk:score`` and
``pk:method``) so users can choose their own threshold; pairs at or above
:data:`RELATED_THRESHOLD` are also stated as ``pk:relatedTask``. The threshold was chosen by
reading a sample of links (``tests/fixtures/related_judgements.csv``; ``python
bench/link_precision.py`` prints the precision).
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD

from plankg.graph.namespace import DATA, PK, plan_iri, task_iri
from plankg.graph.records import TaskRecord

__all__ = [
    "CANDIDATE_FLOOR",
    "METHOD",
    "RELATED_THRESHOLD",
    "ScoredLink",
    "annex_links",
    "bigrams",
    "elaboration_pairs",
    "link_triples",
    "milestone_links",
    "realized_plans",
    "related_links",
]

Triple = tuple[URIRef, URIRef, URIRef | Literal]
TaskKey = tuple[str, int]

METHOD = "char-bigram-tfidf-cosine-v1"
RELATED_THRESHOLD = 0.25
CANDIDATE_FLOOR = 0.20
#: grams found in more tasks than this are not used to find candidate pairs (see related_links)
STOP_DF = 50
_HAN = re.compile(r"[\u4e00-\u9fff]+")


def bigrams(text: str) -> Counter[str]:
    """The Chinese character bigrams of a text (runs of Han characters only).

    >>> sorted(bigrams("设立公平竞争委员会，2023 年").items())[:3]
    [('争委', 1), ('公平', 1), ('员会', 1)]
    """
    grams: Counter[str] = Counter()
    for run in _HAN.findall(text):
        grams.update(run[i: i + 2] for i in range(len(run) - 1))
    return grams


@dataclass(frozen=True)
class ScoredLink:
    """Two tasks of different plans and how alike their texts are."""

    a: TaskKey
    b: TaskKey
    score: float


def _vectors(tasks: Mapping[TaskKey, TaskRecord]) -> dict[TaskKey, dict[str, float]]:
    counts = {key: bigrams(task.title + task.text) for key, task in tasks.items()}
    df: Counter[str] = Counter()
    for grams in counts.values():
        df.update(grams.keys())
    n = len(counts)
    vectors = {}
    for key, grams in counts.items():
        vector = {g: (1 + math.log(c)) * math.log((1 + n) / (1 + df[g])) for g, c in grams.items()}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        vectors[key] = {g: v / norm for g, v in vector.items()}
    return vectors


def related_links(tasks: Mapping[TaskKey, TaskRecord], exclude: Iterable[tuple[TaskKey, TaskKey]] = (),
                  floor: float = CANDIDATE_FLOOR, stop_df: int = STOP_DF) -> list[ScoredLink]:
    """Every pair of tasks of different plans whose similarity is at least ``floor``, best
    first; pairs in ``exclude`` (already linked otherwise) are left out.

    Candidates are the pairs that share grams found in at most ``stop_df`` tasks, with a
    partial score over those grams of at least half the floor; each candidate's score is then
    the exact cosine over all its grams. Skipping the stop-grams (names, set phrases shared by
    thousands of tasks at scale) bounds the work per task (at most ``stop_df`` other tasks per
    gram), so this grows linearly with the number of tasks. On the real corpus the links are
    exactly those of the all-pairs computation (``stop_df`` unbounded), for any ``stop_df``
    from 30 up (``tests/test_cross_plan.py``).
    """
    vectors = _vectors(tasks)
    skip = {frozenset(pair) for pair in exclude}
    index: dict[str, list[TaskKey]] = {}
    for key, vector in vectors.items():
        for gram in vector:
            index.setdefault(gram, []).append(key)
    links = []
    for key, vector in sorted(vectors.items()):
        partial: dict[TaskKey, float] = {}
        common = []
        for gram, weight in vector.items():
            posting = index[gram]
            if len(posting) > stop_df:
                common.append((gram, weight))
                continue
            for other in posting:
                if other > key and other[0] != key[0]:
                    partial[other] = partial.get(other, 0.0) + weight * vectors[other][gram]
        for other, part in partial.items():
            if part < floor / 2:
                continue
            theirs = vectors[other]
            score = part + sum(weight * theirs[gram] for gram, weight in common if gram in theirs)  # exact cosine
            if score >= floor and frozenset((key, other)) not in skip:
                links.append(ScoredLink(key, other, round(score, 4)))
    links.sort(key=lambda link: (-link.score, link.a, link.b))
    return links


def elaboration_pairs(tasks: Mapping[TaskKey, TaskRecord], detail: str, summary: str) -> list[tuple[TaskKey, TaskKey]]:
    """(key-task row, work point) pairs of the same number."""
    return [((detail, n), (summary, n)) for (slug, n) in sorted(tasks)
            if slug == detail and (summary, n) in tasks]


_PLAN_KIND = re.compile(r"(市场化|法治化|国际化)营商环境")


def realized_plans(tasks: Mapping[TaskKey, TaskRecord], plan_titles: Mapping[str, str],
                   period: Mapping[str, tuple[int, int]]) -> list[tuple[TaskKey, str]]:
    """Tasks whose content is drafting or issuing a special work plan that is itself in the
    corpus: an 出台/制定/印发 task title naming a 专项工作方案 of one kind (市场化, 法治化,
    国际化) is realized by the multi-year plan of that kind issued in the task's year."""
    out = []
    for key, task in sorted(tasks.items()):
        if not re.match(r"^(出台|制定|印发)", task.text) or "专项工作方案" not in task.text[:80]:
            continue
        kind = _PLAN_KIND.search(task.title) or _PLAN_KIND.search(task.text[:60])
        if not kind:
            continue
        for slug, title in sorted(plan_titles.items()):
            start, end = period[slug]
            if slug != key[0] and end > start and f"优化{kind.group(1)}营商环境工作方案" in title:
                out.append((key, slug))
    return out


def annex_links(tasks: Mapping[TaskKey, TaskRecord], annex: str, plan: str,
                sections: Mapping[TaskKey, str]) -> list[ScoredLink]:
    """Each annex item with the plan task it carries out: the most similar task of the plan
    in the parallel section (the annex's chapter 一 matches the plan's （一）)."""
    subset = {k: t for k, t in tasks.items() if k[0] in (annex, plan)}
    vectors = _vectors({k: t for k, t in tasks.items()})
    links = []
    for key in sorted(k for k in subset if k[0] == annex):
        chapter = (sections.get(key) or "").split(".")[-1]
        candidates = [k for k in subset if k[0] == plan and (sections.get(k) or "").split(".")[-1] == chapter]
        if not candidates:
            candidates = [k for k in subset if k[0] == plan]
        scored = [(sum(w * vectors[c].get(g, 0.0) for g, w in vectors[key].items()), c) for c in candidates]
        score, best = max(scored, key=lambda s: (s[0], -s[1][1]))
        links.append(ScoredLink(key, best, round(score, 4)))
    return links


MILESTONE_THRESHOLD = 0.25


def milestone_links(tasks: Mapping[TaskKey, TaskRecord], annual_plans: Mapping[int, Sequence[str]]
                    ) -> list[tuple[TaskKey, int, TaskKey, float]]:
    """Milestones of a task taken up by a task of the annual plans of the milestone's year:
    (task, milestone index from 1, annual task, score) for the most similar annual task whose
    similarity to the milestone's clause reaches :data:`MILESTONE_THRESHOLD`.

    The annual tasks of each year are indexed by gram, and a milestone is scored against the
    tasks that share one of its grams found in at most :data:`STOP_DF` of them (the others
    score too low to matter; on the real corpus the result is that of scoring every task).
    """
    vectors = _vectors(tasks)
    by_plan: dict[str, list[TaskKey]] = {}
    for key in sorted(tasks):
        by_plan.setdefault(key[0], []).append(key)
    indexes: dict[int, dict[str, list[TaskKey]]] = {}
    for year, slugs in annual_plans.items():
        index: dict[str, list[TaskKey]] = {}
        for slug in slugs:
            for key in by_plan.get(slug, ()):
                for gram in vectors[key]:
                    index.setdefault(gram, []).append(key)
        indexes[year] = index
    out = []
    for key, task in sorted(tasks.items()):
        for number, milestone in enumerate(task.milestones, start=1):
            year_index = indexes.get(milestone.year)
            if not year_index:
                continue
            grams = bigrams(milestone.text)
            norm = math.sqrt(sum(c * c for c in grams.values())) or 1.0
            found: set[TaskKey] = set()
            for gram in grams:
                posting = year_index.get(gram, [])
                if len(posting) <= STOP_DF:
                    found.update(k for k in posting if k[0] != key[0])
            if not found:
                continue
            scored = [(sum(c / norm * vectors[k].get(g, 0.0) for g, c in grams.items()), k) for k in sorted(found)]
            score, best = max(scored, key=lambda s: (s[0], tuple(-x if isinstance(x, int) else 0 for x in s[1])))
            if score >= MILESTONE_THRESHOLD:
                out.append((key, number, best, round(score, 4)))
    return out


def link_iri(a: TaskKey, b: TaskKey, kind: str) -> URIRef:
    """A stable IRI for a qualified link between two tasks."""
    digest = hashlib.sha1(f"{kind}|{a[0]}/{a[1]}|{b[0]}/{b[1]}".encode()).hexdigest()[:16]
    return DATA[f"link/{digest}"]


def link_triples(related: Sequence[ScoredLink], annex: Sequence[ScoredLink],
                 elaborations: Sequence[tuple[TaskKey, TaskKey]],
                 realized: Sequence[tuple[TaskKey, str]],
                 milestones: Sequence[tuple[TaskKey, int, TaskKey, float]] = ()) -> set[Triple]:
    """The triples of all cross-plan links."""
    out: set[Triple] = set()
    for key, index, annual, score in milestones:
        milestone = URIRef(f"{task_iri(*key)}/milestone/{index}")
        node = link_iri(key, annual, f"milestone-{index}")
        out.update({(milestone, PK.takenUpBy, task_iri(*annual)), (node, RDF.type, PK.TaskLink),
                    (node, PK.linkFrom, task_iri(*key)), (node, PK.linkTo, task_iri(*annual)),
                    (node, PK.method, Literal(f"milestone-{index}-bigram-cosine-v1")),
                    (node, PK.score, Literal(f"{score:.4f}", datatype=XSD.decimal))})
    for link in related:
        a, b = task_iri(*link.a), task_iri(*link.b)
        node = link_iri(link.a, link.b, "related")
        out.update({(node, RDF.type, PK.TaskLink), (node, PK.linkFrom, a), (node, PK.linkTo, b),
                    (node, PK.score, Literal(f"{link.score:.4f}", datatype=XSD.decimal)),
                    (node, PK.method, Literal(METHOD))})
        if link.score >= RELATED_THRESHOLD:
            out.add((a, PK.relatedTask, b))
    for link in annex:
        a, b = task_iri(*link.a), task_iri(*link.b)
        node = link_iri(link.a, link.b, "annex")
        out.update({(a, PK.carriesOut, b), (node, RDF.type, PK.TaskLink), (node, PK.linkFrom, a),
                    (node, PK.linkTo, b), (node, PK.method, Literal("annex-section-best-" + METHOD)),
                    (node, PK.score, Literal(f"{link.score:.4f}", datatype=XSD.decimal))})
    for detail, summary in elaborations:
        out.add((task_iri(*detail), PK.elaborates, task_iri(*summary)))
    for key, slug in realized:
        out.add((task_iri(*key), PK.realizedBy, plan_iri(slug)))
    return out
