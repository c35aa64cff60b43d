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
import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

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


# ---------------------------------------------------------------------------------------------
# Measures: alignment at the level of clauses (issue 14)
# ---------------------------------------------------------------------------------------------

MEASURE_METHOD = "measure-clause-bigram-tfidf-v2"
#: a pair whose best clause pair reaches this is stated as a measure link (same measure, part of,
#: carries out); measured on tests/fixtures/measure_pairs.csv (bench/link_recall.py)
MEASURE_THRESHOLD = 0.35
#: from this score up to MEASURE_THRESHOLD a pair is stated as related (pk:relatedMeasure)
LINK_THRESHOLD = 0.20
#: every pair from this score up is kept as a qualified pk:TaskLink with its clauses
MEASURE_FLOOR = 0.15
#: grams found in more clauses than this do not find candidates (see measure_links)
MEASURE_STOP_DF = 150
#: a candidate clause pair needs at least floor / PARTIAL_SHARE from its rarer grams
PARTIAL_SHARE = 4
#: a score bonus for the plan task in the annex item's parallel chapter
ANNEX_SECTION_BONUS = 0.05

SAME, PART, CARRIES, RELATED = "sameMeasure", "partOfTask", "carriesOut", "relatedMeasure"

#: Boilerplate and policy verbs, removed before grams are taken: they are the wording that
#: changes from year to year around the same measure (推广…/推行…/持续深化…) and the phrases that
#: every task shares (围绕…, 进一步…); longest first.
BOILERPLATE = tuple(sorted((
    "进一步", "持续", "不断", "积极", "大力", "加快", "加大", "全面", "深入", "推动", "推进", "推广", "推行",
    "开展", "实施", "实行", "实现", "建立", "健全", "完善", "加强", "强化", "提升", "提高", "优化", "探索",
    "支持", "鼓励", "做好", "促进", "打造", "构建", "深化", "落实", "围绕", "依托", "通过", "全市", "我市",
    "深圳市", "深圳", "有关", "相关", "工作", "机制", "制度", "服务", "领域", "体系", "水平", "建设", "企业",
    "市场主体", "经营主体", "力度", "能力", "等", "的", "和", "与", "及", "在", "为", "对", "将", "年",
), key=lambda w: (-len(w), w)))
_BOILERPLATE = re.compile("|".join(map(re.escape, BOILERPLATE)))
_CLAUSE_END = re.compile(r"[。；;！？]")
_QUOTED = re.compile(r"[“《]([^”》]{2,30})[”》]")
_LATIN = re.compile(r"[A-Za-z]{2,}")


def measure_clauses(text: str) -> list[str]:
    """A task's measures: its sentences and semicolon clauses that hold Chinese text.

    >>> measure_clauses("优化企业登记。推行无介质电子签名；扩大服务圈。")
    ['优化企业登记', '推行无介质电子签名', '扩大服务圈']
    """
    parts = [p.strip() for p in _CLAUSE_END.split(text) if _HAN.search(p)]
    return parts or [text]


def task_clauses(task: TaskRecord) -> list[str]:
    """The clauses of a task's text, and its title first where the text does not open with it
    (a table row's task cell: the pilot list's 开展“一照多址”改革 names the measure its text details)."""
    clauses = measure_clauses(task.text)
    title = task.title.strip()
    if title and _HAN.search(title) and not task.text.startswith(title):
        clauses.insert(0, title)
    return clauses


def measure_grams(clause: str) -> Counter[str]:
    """The features of a clause: character bigrams of its Han runs once the boilerplate is
    cut out, each quoted name (“…” or 《…》) as one feature, and Latin words (BIM, AEO).

    >>> sorted(measure_grams("推行“一照多址”改革"))
    ['Q:一照多址', '一照', '多址', '改革', '照多']
    """
    grams: Counter[str] = Counter()
    for name in _QUOTED.findall(clause):
        grams["Q:" + name] += 1
    for word in _LATIN.findall(clause):
        grams["L:" + word.upper()] += 1
    for run in _HAN.findall(_BOILERPLATE.sub("|", clause)):
        grams.update(run[i: i + 2] for i in range(len(run) - 1))
    return grams


@dataclass(frozen=True)
class MeasureLink:
    """Two tasks of different plans, their best-matching clauses and the relation named.

    ``relation`` is one of :data:`SAME`, :data:`PART`, :data:`CARRIES`, :data:`RELATED`, or
    None for a candidate below :data:`LINK_THRESHOLD`; ``a`` is the subject (the part, the task
    that carries out), ``b`` the object.
    """

    a: TaskKey
    b: TaskKey
    score: float
    clause_a: str
    clause_b: str
    relation: str | None
    method: str = MEASURE_METHOD


class MeasureIndex:
    """The clauses of a set of tasks as TF-IDF vectors (IDF over clauses, quoted names
    weighted double), with their gram index."""

    def __init__(self, tasks: Mapping[TaskKey, TaskRecord]) -> None:
        self.keys = sorted(tasks)
        self.clauses: dict[TaskKey, list[str]] = {k: task_clauses(tasks[k]) for k in self.keys}
        counts = {k: [measure_grams(c) for c in self.clauses[k]] for k in self.keys}
        df: Counter[str] = Counter()
        for grams_list in counts.values():
            for grams in grams_list:
                df.update(grams.keys())
        self.size = max(1, sum(len(v) for v in counts.values()))
        self.df = df
        # each gram's IDF times its weight (2 for a quoted name): a power of two, so
        # (tf * idf) * 2 == tf * (idf * 2) exactly, and a gram found once weighs idf * q itself
        self._idf: dict[str, float] = {g: self._weight(g) for g in df}
        self.vectors: dict[TaskKey, list[dict[str, float]]] = {
            k: [self.vector(g) for g in counts[k]] for k in self.keys}

    def vector(self, grams: Counter[str]) -> dict[str, float]:
        """The unit TF-IDF vector of a clause's grams (grams unknown to the index weigh as rare)."""
        idf = self._idf
        vector = {g: (idf[g] if g in idf else self._weight(g)) * (1.0 if c == 1 else 1 + math.log(c))
                  for g, c in grams.items()}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        return {g: v / norm for g, v in vector.items()}

    def _weight(self, gram: str) -> float:
        return math.log((1 + self.size) / (1 + self.df.get(gram, 0))) * (2.0 if gram.startswith("Q:") else 1.0)

    def best(self, a: TaskKey, b: TaskKey) -> tuple[float, int, int]:
        """(score, clause of a, clause of b) of the best-matching clause pair of two tasks."""
        best = (0.0, 0, 0)
        for i, x in enumerate(self.vectors[a]):
            for j, y in enumerate(self.vectors[b]):
                small, large = (x, y) if len(x) <= len(y) else (y, x)
                score = sum(w * large.get(g, 0.0) for g, w in small.items())
                if score > best[0]:
                    best = (score, i, j)
        return best


def _relation(a: TaskKey, b: TaskKey, score: float, sizes: tuple[int, int],
              carries: Iterable[tuple[str, str]]) -> tuple[TaskKey, TaskKey, str | None]:
    """Name the relation of a scored pair (subject first).

    - below :data:`LINK_THRESHOLD`: none (a candidate only); below :data:`MEASURE_THRESHOLD`:
      related (same policy line, not shown to be the same measure);
    - carries out: the plan of one task carries out the other's plan (an annual plan that says
      it implements the multi-year plan, the annex task list of a plan);
    - part of: one task is a bundle of at least three measures and at least twice as many as the
      other's, so the other matches one clause of it;
    - same measure otherwise.

    >>> _relation(("x", 1), ("y", 2), 0.5, (1, 4), [])
    (('x', 1), ('y', 2), 'partOfTask')
    >>> _relation(("y", 2), ("x", 1), 0.5, (4, 1), [("x", "y")])
    (('x', 1), ('y', 2), 'carriesOut')
    """
    if score < LINK_THRESHOLD:
        return a, b, None
    if score < MEASURE_THRESHOLD:
        return a, b, RELATED
    pairs = carries if isinstance(carries, frozenset) else frozenset(carries)
    if (a[0], b[0]) in pairs:
        return a, b, CARRIES
    if (b[0], a[0]) in pairs:
        return b, a, CARRIES
    na, nb = sizes
    if nb >= 3 and nb >= 2 * na:
        return a, b, PART
    if na >= 3 and na >= 2 * nb:
        return b, a, PART
    return a, b, SAME


def measure_links(tasks: Mapping[TaskKey, TaskRecord], carries: Iterable[tuple[str, str]] = (),
                  exclude: Iterable[tuple[TaskKey, TaskKey]] = (), floor: float = MEASURE_FLOOR,
                  stop_df: int = MEASURE_STOP_DF, index: MeasureIndex | None = None) -> list[MeasureLink]:
    """Every pair of tasks of different plans whose best clause pair scores at least ``floor``,
    with the relation named (see :func:`_relation`), best first; pairs in ``exclude`` are left out.

    Candidates are clause pairs that share grams found in at most ``stop_df`` clauses, with a
    partial score over those grams of at least ``floor / PARTIAL_SHARE``, found by sparse matrix
    products (:func:`_candidate_pairs`); each candidate's score is then the exact cosine, summed
    gram by gram in a fixed order, so the scores and links do not depend on the matrix code. A task pair's score is that of its best
    clause pair, so a one-sentence annual item matches the one clause of a long multi-year task
    that it carries out, undiluted by the others.
    """
    index = index or MeasureIndex(tasks)
    carries = frozenset(carries)  # made once, not once per link (_relation)
    skip = {frozenset(pair) for pair in exclude}
    units = [(k, i) for k in index.keys for i in range(len(index.vectors[k]))]
    postings = Counter(itertools.chain.from_iterable(index.vectors[k][i] for k, i in units))  # clauses per gram
    rare = {gram for gram, count in postings.items() if count <= stop_df}
    best: dict[tuple[TaskKey, TaskKey], tuple[float, int, int]] = {}
    for u, v in _candidate_pairs(index, units, rare, floor / PARTIAL_SHARE, floor):
        (key, i), (other, j) = units[u], units[v]
        vector, theirs = index.vectors[key][i], index.vectors[other][j]
        # the exact score, summed in the order of the pure-Python finder (same floats, same links)
        part = 0.0
        common = []
        for gram, weight in vector.items():
            if gram in theirs:
                if gram in rare:
                    part = part + weight * theirs[gram]
                else:
                    common.append(weight * theirs[gram])
        if part < floor / PARTIAL_SHARE:
            continue
        score = round(part + sum(common), 6)
        if score < floor:
            continue
        pair = (key, other) if key < other else (other, key)
        clause_pair = (i, j) if key < other else (j, i)
        held = best.get(pair)
        if held is None or (score, -clause_pair[0], -clause_pair[1]) > (held[0], -held[1], -held[2]):
            best[pair] = (score, *clause_pair)
    links = []
    for (a, b), (score, i, j) in best.items():
        if frozenset((a, b)) in skip:
            continue
        score = round(score, 4)
        subject, obj, relation = _relation(a, b, score, (len(index.clauses[a]), len(index.clauses[b])), carries)
        ca, cb = (index.clauses[a][i], index.clauses[b][j]) if subject == a else (index.clauses[b][j], index.clauses[a][i])
        links.append(MeasureLink(subject, obj, score, ca, cb, relation))
    links.sort(key=lambda link: (-link.score, link.a, link.b))
    return links


#: how far a score computed by matrix products may be from the exact sum and still be kept as a
#: candidate (their rounding differs by about 1e-16; every candidate is then scored exactly)
CANDIDATE_MARGIN = 1e-9


def _candidate_pairs(index: MeasureIndex, units: Sequence[tuple[TaskKey, int]], rare: set[str],
                     partial_floor: float, floor: float) -> list[tuple[int, int]]:
    """The clause pairs ``(u, v)``, ``u < v``, of tasks of different plans whose partial score
    over the rare grams reaches ``partial_floor`` and whose whole score reaches ``floor``, give
    or take :data:`CANDIDATE_MARGIN`: a superset of the pairs :func:`measure_links` keeps.

    Scores come from sparse matrix products of the clauses' TF-IDF vectors (rare grams apart
    from the others), in C rather than a Python loop per gram and posting.
    """
    import numpy as np
    from scipy import sparse

    if not units:
        return []
    vectors = [index.vectors[key][i] for key, i in units]
    columns = {gram: c for c, gram in enumerate(dict.fromkeys(itertools.chain.from_iterable(vectors)))}
    cols = np.fromiter(map(columns.__getitem__, itertools.chain.from_iterable(vectors)), dtype=np.int64)
    weights = np.fromiter(itertools.chain.from_iterable(v.values() for v in vectors), dtype=np.float64)
    indptr = np.concatenate(([0], np.cumsum([len(v) for v in vectors])))
    is_rare = np.zeros(len(columns), dtype=bool)
    is_rare[[c for gram, c in columns.items() if gram in rare]] = True
    matrix = sparse.csr_matrix((weights, cols, indptr), shape=(len(units), len(columns)))
    rare_part, common_part = matrix[:, is_rare], matrix[:, ~is_rare]
    u, v, part = _cross_plan_products(rare_part, [key[0] for key, _ in units])
    keep = part >= partial_floor - CANDIDATE_MARGIN
    u, v, part = u[keep], v[keep], part[keep]
    common = np.zeros(len(u))
    for start in range(0, len(u), 50_000):  # the common grams' share, a block of pairs at a time
        block = slice(start, start + 50_000)
        common[block] = np.asarray(common_part[u[block]].multiply(common_part[v[block]]).sum(axis=1)).ravel()
    keep = part + common >= floor - CANDIDATE_MARGIN
    order = np.lexsort((v[keep], u[keep]))
    return list(zip(u[keep][order].tolist(), v[keep][order].tolist(), strict=True))


def _cross_plan_products(rows: Any, slugs: Sequence[str]) -> tuple[Any, Any, Any]:
    """``(u, v, rows[u] · rows[v])`` for the non-zero products of rows ``u < v`` of different
    plans, given the rows grouped by plan in slug order: each plan's rows times the rows after
    its own, so neither the lower triangle nor a plan's own pairs are computed."""
    import numpy as np

    assert all(a <= b for a, b in itertools.pairwise(slugs)), "rows grouped by plan"
    edges = [n for n in range(1, len(slugs)) if slugs[n] != slugs[n - 1]]
    later = rows.T.tocsc()
    found = [(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0))]
    for start, end in zip([0, *edges], edges, strict=False):
        block = (rows[start:end] @ later[:, end:]).tocoo()
        found.append((block.row + start, block.col + end, block.data))
    return tuple(np.concatenate(parts) for parts in zip(*found, strict=True))  # type: ignore[return-value]


def annex_measure_links(tasks: Mapping[TaskKey, TaskRecord], annex: str, plan: str,
                        sections: Mapping[TaskKey, str], index: MeasureIndex | None = None) -> list[MeasureLink]:
    """Each annex item with the plan task it carries out: the plan task whose clauses best
    match the item's, the task in the parallel chapter (the annex's 一 and the plan's （一）)
    given :data:`ANNEX_SECTION_BONUS` (the annex's chapters do not follow the plan's sections
    exactly: its chapter 二 holds the producer-services items of the plan's （一）)."""
    index = index or MeasureIndex(tasks)
    plan_tasks = [k for k in index.keys if k[0] == plan]
    out = []
    for key in (k for k in index.keys if k[0] == annex):
        chapter = (sections.get(key) or "").split(".")[-1]
        scored = []
        for other in plan_tasks:
            score, i, j = index.best(key, other)
            bonus = ANNEX_SECTION_BONUS if (sections.get(other) or "").split(".")[-1] == chapter else 0.0
            scored.append((score + bonus, -other[1], score, i, j, other))
        if not scored:
            continue
        _, _, score, i, j, best = max(scored)
        out.append(MeasureLink(key, best, round(score, 4), index.clauses[key][i], index.clauses[best][j], CARRIES,
                               "annex-best-" + MEASURE_METHOD))
    return out


def milestone_measure_links(tasks: Mapping[TaskKey, TaskRecord], annual_plans: Mapping[int, Sequence[str]],
                            multi_year: Iterable[TaskKey], index: MeasureIndex | None = None,
                            threshold: float = MEASURE_THRESHOLD) -> list[tuple[TaskKey, int, TaskKey, float, str]]:
    """Every milestone of a multi-year task linked to each task of the annual plans of its year
    that takes it up: (task, milestone index from 1, annual task, score, matching clause) for
    each annual task with a clause scoring at least ``threshold`` against the milestone's text
    (market-2023-2025 task 20's 2024 区域评估结果“一单尽列、免费公开” → market-2024 task 33)."""
    index = index or MeasureIndex(tasks)
    by_year: dict[int, list[TaskKey]] = {}
    for year, slugs in annual_plans.items():
        by_year[year] = [k for k in index.keys if k[0] in set(slugs)]
    grams_index: dict[int, dict[str, list[tuple[TaskKey, int]]]] = {}
    for year, keys in by_year.items():
        postings: dict[str, list[tuple[TaskKey, int]]] = {}
        for k in keys:
            for i, vector in enumerate(index.vectors[k]):
                for gram in vector:
                    postings.setdefault(gram, []).append((k, i))
        grams_index[year] = postings
    out = []
    for key in sorted(set(multi_year)):
        for number, milestone in enumerate(tasks[key].milestones, start=1):
            year_postings = grams_index.get(milestone.year)
            if not year_postings:
                continue
            vector = index.vector(measure_grams(milestone.text))
            scores: dict[tuple[TaskKey, int], float] = {}
            for gram, weight in vector.items():
                for unit in year_postings.get(gram, ()):
                    if unit[0][0] != key[0]:
                        scores[unit] = scores.get(unit, 0.0) + weight * index.vectors[unit[0]][unit[1]][gram]
            best: dict[TaskKey, tuple[float, int]] = {}
            for (other, i), score in scores.items():
                if score >= threshold and score > best.get(other, (0.0, 0))[0]:
                    best[other] = (score, i)
            for other, (score, i) in sorted(best.items()):
                out.append((key, number, other, round(score, 4), index.clauses[other][i]))
    return out


def measure_link_triples(links: Sequence[MeasureLink],
                         milestones: Sequence[tuple[TaskKey, int, TaskKey, float, str]] = ()) -> set[Triple]:
    """The triples of measure links: the named relation between the tasks (where one is named)
    and a qualified ``pk:TaskLink`` for every candidate, with score, method, relation and the
    matching clause of each task."""
    out: set[Triple] = set()
    # terms made once each and shared by every triple that uses them (a namespace attribute and
    # a literal are new objects at each call, and a decimal literal parses its value)
    rdf_type, task_link, link_from, link_to = RDF.type, PK.TaskLink, PK.linkFrom, PK.linkTo
    score_p, method_p, clause_from, clause_to, relation_p = PK.score, PK.method, PK.clauseFrom, PK.clauseTo, PK.relation
    relations: dict[str, URIRef] = {}
    literals: dict[tuple[str, str], Literal] = {}

    def literal(text: str, kind: str) -> Literal:
        made = literals.get((text, kind))
        if made is None:
            made = literals[(text, kind)] = (Literal(text, datatype=XSD.decimal) if kind == "decimal"
                                             else Literal(text, lang=kind or None))
        return made

    for link in links:
        a, b = task_iri(*link.a), task_iri(*link.b)
        node = link_iri(link.a, link.b, "measure")
        out.update({(node, rdf_type, task_link), (node, link_from, a), (node, link_to, b),
                    (node, score_p, literal(f"{link.score:.4f}", "decimal")),
                    (node, method_p, literal(link.method, "")),
                    (node, clause_from, literal(link.clause_a, "zh")),
                    (node, clause_to, literal(link.clause_b, "zh"))})
        if link.relation:
            relation = relations.get(link.relation)
            if relation is None:
                relation = relations[link.relation] = PK[link.relation]
            out.update({(a, relation, b), (node, relation_p, relation)})
    for key, index, annual, score, clause in milestones:
        milestone = URIRef(f"{task_iri(*key)}/milestone/{index}")
        node = link_iri(key, annual, f"milestone-{index}")
        out.update({(milestone, PK.takenUpBy, task_iri(*annual)), (task_iri(*annual), PK.carriesOut, task_iri(*key)),
                    (node, RDF.type, PK.TaskLink), (node, PK.linkFrom, task_iri(*annual)),
                    (node, PK.linkTo, task_iri(*key)), (node, PK.relation, PK.carriesOut),
                    (node, PK.method, Literal(f"milestone-{index}-" + MEASURE_METHOD)),
                    (node, PK.clauseFrom, Literal(clause, lang="zh")),
                    (node, PK.score, Literal(f"{score:.4f}", datatype=XSD.decimal))})
    return out
