"""Property-based tests of the normalisers (numbers, dates, numbering) and a bounded fuzz run of
every loader: whatever the text, a loader returns a record or raises the project's own
:class:`LoaderError` — nothing else.
"""

from __future__ import annotations

import calendar
import contextlib
import functools
import tempfile
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plankg.graph.records import LoaderError, SourceRecord, TaskRecord
from plankg.loaders import (
    check_numbering,
    default_corpus,
    load_work_points_and_key_tasks,
    markdown_table,
    news_digest,
    prose_plan,
    tab_table,
    with_targets,
)
from plankg.loaders.prose_plan import Layout, item_start
from plankg.loaders.targets import expand, extract_targets
from plankg.loaders.text import chinese_numeral, month_end

DIGITS = "零一二三四五六七八九"
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def to_chinese(n: int) -> str:
    """1..99 the way the plans print them (十七, 二十, 十)."""
    tens, units = divmod(n, 10)
    if tens == 0:
        return DIGITS[units]
    return ("" if tens == 1 else DIGITS[tens]) + "十" + (DIGITS[units] if units else "")


@given(st.integers(1, 99))
def test_chinese_numerals_read_back(n: int) -> None:
    assert chinese_numeral(to_chinese(n)) == n


@given(st.text(max_size=6))
def test_chinese_numeral_reads_or_refuses(text: str) -> None:
    with contextlib.suppress(ValueError):
        assert chinese_numeral(text) >= 0


@given(st.integers(1990, 2100), st.integers(1, 12), st.booleans())
def test_month_end_is_the_last_day(year: int, month: int, spaced: bool) -> None:
    text = f"{year} 年 {month} 月底" if spaced else f"{year}年{month}月底"
    day = month_end(text)
    assert day is not None and (day.year, day.month) == (year, month)
    assert (day + timedelta(days=1)).day == 1
    assert day.day == calendar.monthrange(year, month)[1]
    assert month_end(f"{month}月底", year) == day  # the list's year fills in a bare month


@given(st.text(max_size=20), st.one_of(st.none(), st.integers(1990, 2100)))
def test_month_end_never_raises(text: str, year: int | None) -> None:
    assert month_end(text, year) is None or month_end(text, year).year >= 1  # type: ignore[union-attr]


@given(st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False),
       st.sampled_from([None, "万", "亿"]))
def test_expand_multiplies_by_the_magnitude(number: Decimal, magnitude: str | None) -> None:
    factor = {None: 1, "万": 10_000, "亿": 100_000_000}[magnitude]
    assert expand(str(number), magnitude) == number * factor


@given(st.integers(1, 9999), st.sampled_from([".", "．"]))
def test_full_width_numbering_reads_as_ascii(n: int, dot: str) -> None:
    ascii_start = item_start(f"{n}.加强城市宣传推介。", Layout())
    assert ascii_start == (n, "加强城市宣传推介。")
    assert item_start(f"{str(n).translate(FULL_WIDTH)}{dot}加强城市宣传推介。", Layout()) == ascii_start
    assert item_start(f"({to_chinese(n % 99 + 1)})加强城市宣传推介。", Layout("paren")) == (n % 99 + 1, "加强城市宣传推介。")


def record_of(numbers: list[int]) -> SourceRecord:
    from plankg.graph.records import PlanRecord

    tasks = tuple(TaskRecord(number=n, title="t", text="t。", section=None, agencies=(), source_line=i + 10)
                  for i, n in enumerate(numbers))
    return SourceRecord("x.txt", "0", "test", (PlanRecord("计划", 1, (), tasks),))


@given(st.lists(st.integers(1, 40), min_size=1, max_size=40))
def test_numbering_check(numbers: list[int]) -> None:
    record = record_of(numbers)
    if len(set(numbers)) < len(numbers):
        with pytest.raises(LoaderError, match="numbered twice"):
            check_numbering(record)
        return
    gaps = check_numbering(record)
    assert (not gaps) == (sorted(numbers) == list(range(1, len(numbers) + 1)))


@given(st.lists(st.sampled_from([*"0123456789.万亿%家个以上不少于约达到年，。", "美元", "平方米", "2025年"]),
                max_size=40).map("".join))
def test_targets_from_any_text(text: str) -> None:
    for target in extract_targets(text, 2024):
        assert target.value >= 0 and target.comparator in ("≥", "≤", "≈", "=")


# --- fuzzing the loaders -----------------------------------------------------------------------

FILES = [path.read_text(encoding="utf-8").splitlines() for path in sorted(default_corpus().glob("*.txt"))]
CORPUS_LINES = [line for lines in FILES for line in lines]
LOADERS = {
    "prose": prose_plan.load,
    "prose, bare tails": functools.partial(prose_plan.load, layout=Layout(bare_tail=True)),
    "prose, paren items": functools.partial(prose_plan.load, layout=Layout("paren")),
    "markdown table": markdown_table.load,
    "tab table": tab_table.load,
    "news digest": news_digest.load,
    "work points and key tasks": load_work_points_and_key_tasks,
}

# documents made of real lines, in any order, some cut short or spliced with noise
line = st.one_of(
    st.sampled_from(CORPUS_LINES),
    st.sampled_from(CORPUS_LINES).flatmap(lambda s: st.integers(0, len(s)).map(lambda k: s[:k])),
    st.lists(st.sampled_from([*"0123456789.．、（）()|*\t#：:；，。一二三十月底年", "责任单位", "牵头单位"]),
             max_size=30).map("".join),
)
shuffled = st.lists(line, max_size=60)


@st.composite
def mutated_block(draw: st.DrawFn) -> list[str]:
    """A stretch of one real file with a few lines dropped, repeated, cut or replaced."""
    lines = draw(st.sampled_from(FILES))
    start = draw(st.integers(0, len(lines) - 1))
    block = lines[start: start + draw(st.integers(1, 400))]
    for _ in range(draw(st.integers(0, 6))):
        at = draw(st.integers(0, max(0, len(block) - 1)))
        action = draw(st.sampled_from(["drop", "repeat", "cut", "replace"]))
        if not block:
            break
        if action == "drop":
            del block[at]
        elif action == "repeat":
            block.insert(at, block[at])
        elif action == "cut":
            block[at] = block[at][: draw(st.integers(0, len(block[at])))]
        else:
            block[at] = draw(line)
    return block


document = st.one_of(shuffled, mutated_block()).map("\n".join)


@pytest.mark.parametrize("name", list(LOADERS))
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=document)
def test_loaders_raise_only_loader_errors(name: str, text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.txt"
        path.write_text(text, encoding="utf-8")
        try:
            record = with_targets(LOADERS[name](path))
        except LoaderError as exc:
            assert exc.file == "fuzz.txt"
            return
        assert isinstance(record, SourceRecord)
