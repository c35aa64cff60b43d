"""Text helpers shared by every loader: reading a source, removing conversion noise, joining
lines broken inside sentences, and reading Chinese numerals.

All functions are pure except :func:`read_source`, which reads one file.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from plankg.graph.records import LoaderError

__all__ = [
    "chinese_numeral",
    "clean_line",
    "join_fragments",
    "read_source",
    "squash_spaces",
]

_TAGS = re.compile(r"</?b>|<br\s*/?>|\*\*", re.IGNORECASE)
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
        hint = " (re-run with --encoding gb18030 if the file is GBK)" if encoding == "utf-8" else ""
        raise LoaderError(f"not valid {encoding} text{hint}", path.name, line) from exc
    text = text.removeprefix("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), digest


def clean_line(line: str) -> str:
    """Remove conversion noise from one line: bold marks, ``<b>``/``<br>`` tags, bookmarks.

    >>> clean_line("**一、健全透明规范的市场主体准入退出机制**")
    '一、健全透明规范的市场主体准入退出机制'
    >>> clean_line("市规划和<br>自然资源局")
    '市规划和自然资源局'
    """
    return _BOOKMARK.sub("", _TAGS.sub("", line)).strip()


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
