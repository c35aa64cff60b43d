"""Text helpers shared by every loader: reading a source, removing conversion noise, joining
lines broken inside sentences, and reading Chinese numerals.

All functions are pure except :func:`read_source`, which reads one file.
"""

from __future__ import annotations

import calendar
import hashlib
import re
from datetime import date
from pathlib import Path

from plankg.graph.records import LoaderError

__all__ = [
    "chinese_numeral",
    "clean_line",
    "join_fragments",
    "month_end",
    "read_source",
    "squash_spaces",
]

_TAGS = re.compile(r"</?b>|<br\s*/?>|\*\*", re.IGNORECASE)
_HEADING_MARK = re.compile(r"^#{1,6}\s+")
#: A page stamp left by PDF conversion: an organisation's name and a date alone on a line.
PAGE_STAMP = re.compile(r"^\S{2,30}\s+\d{4}-\d{2}-\d{2}$")
_MONTH_END = re.compile(r"^(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*底$")
_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_ASCII_WORD = re.compile(r"[A-Za-z0-9]")
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
           "六": 6, "七": 7, "八": 8, "九": 9}


def read_source(path: Path, encoding: str = "utf-8") -> tuple[list[str], str]:
    """Read a source file into lines, with its sha256.

    A UTF-8 byte-order mark is dropped and CRLF line endings are accepted.

    Args:
        path: the file to read.
        encoding: the text encoding (``gb18030`` for GBK files).

    Returns:
        The lines without line endings, and the hex sha256 of the file's bytes.

    Raises:
        LoaderError: the bytes are not valid in the encoding; names the first bad line.
    """
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        if exc.end == len(data) and "end of data" in exc.reason:
            raise LoaderError("the file ends inside a character (cut off?)", path.name, line) from exc
        hint = " (re-run with --encoding gb18030 if the file is GBK)" if encoding == "utf-8" else ""
        raise LoaderError(f"not valid {encoding} text{hint}", path.name, line) from exc
    text = text.removeprefix("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), digest


def clean_line(line: str) -> str:
    """Remove conversion noise from one line: bold marks, ``<b>``/``<br>`` tags, bookmarks,
    markdown heading marks and page stamps (the line becomes empty).

    >>> clean_line("**一、健全透明规范的市场主体准入退出机制**")
    '一、健全透明规范的市场主体准入退出机制'
    >>> clean_line("市规划和<br>自然资源局")
    '市规划和自然资源局'
    >>> clean_line("## 一、优化市场准入环境")
    '一、优化市场准入环境'
    >>> clean_line("深圳市燃气集团 2023-02-28")
    ''
    """
    text = _HEADING_MARK.sub("", _BOOKMARK.sub("", _TAGS.sub("", line)).strip())
    return "" if PAGE_STAMP.match(text) else text


def month_end(text: str, default_year: int | None = None) -> date | None:
    """The date of a month-end deadline, or None for a status such as 已落地，持续巩固提升.

    >>> month_end("2022年12月底")
    datetime.date(2022, 12, 31)
    >>> month_end("12 月底", 2023)
    datetime.date(2023, 12, 31)
    >>> month_end("2022年6月底")
    datetime.date(2022, 6, 30)
    >>> month_end("已落地，持续巩固提升") is None
    True
    """
    match = _MONTH_END.match(text.strip())
    if not match:
        return None
    year = int(match.group(1)) if match.group(1) else default_year
    if year is None:
        return None
    month = int(match.group(2))
    if not 1 <= month <= 12:
        return None
    return date(year, month, calendar.monthrange(year, month)[1])


def squash_spaces(text: str) -> str:
    """Fold runs of white space into one space and strip the ends.

    >>> squash_spaces("  2023  年\\t出台 ")
    '2023 年 出台'
    """
    return re.sub(r"\s+", " ", text).strip()


def join_fragments(fragments: list[str]) -> str:
    """Join the pieces of a sentence broken across lines.

    Chinese text needs no separator; a space is kept only between two Latin letters or digits
    so that an English word broken across lines stays two words.

    >>> join_fragments(["支持跨国", "企业在前海"])
    '支持跨国企业在前海'
    >>> join_fragments(["S", "基金"])
    'S基金'
    >>> join_fragments(["the", "port"])
    'the port'
    """
    out = ""
    for fragment in (f.strip() for f in fragments):
        if not fragment:
            continue
        if out and _ASCII_WORD.match(out[-1]) and _ASCII_WORD.match(fragment[0]):
            out += " "
        out += fragment
    return squash_spaces(out)


def chinese_numeral(text: str) -> int:
    """Read a Chinese numeral of up to two digits, as used for section and item numbers.

    >>> chinese_numeral("十七")
    17
    >>> chinese_numeral("二十")
    20
    >>> chinese_numeral("十")
    10
    >>> chinese_numeral("三")
    3

    Raises:
        ValueError: the text is not such a numeral.
    """
    text = text.strip()
    if not text or any(ch not in _DIGITS and ch != "十" for ch in text):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    if "十" not in text:
        value = 0
        for ch in text:
            value = value * 10 + _DIGITS[ch]
        return value
    tens, _, units = text.partition("十")
    return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[units] if units else 0)
