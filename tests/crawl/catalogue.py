"""English catalogue text left on a Vietnamese page.

A msgid of `locale/vi/LC_MESSAGES/django.po` that shows verbatim on a page rendered
in Vietnamese means the string went out untranslated: its translation is missing,
fuzzy (msgfmt leaves fuzzy entries out), or the code never marked it for
translation while the same words are translated elsewhere. The rule, chosen so that
a hit is always worth a look:

- Only msgids whose Vietnamese text differs from them count; a msgid translated as
  itself ("DTI", "Email") may show as it is.
- The msgid's literal words are what is looked for: HTML tags are dropped,
  placeholders (`%(name)s`, `%s`, `{name}`) match any short run of text, and any
  whitespace matches any whitespace.
- A msgid counts only if it has an English word of three letters or more, and if
  it does not occur in a Vietnamese translation of the catalogue: names and
  column headings that Vietnamese keeps as they are ("Excel", "Word", "unit_code")
  prove nothing.
- A msgid of a single word counts only when it has four letters or more and is not
  an acronym (shorter words such as "OK", "Tin", "An" are Vietnamese words or names
  too), and only when it is the whole of a piece of text: a heading, a label, a
  button, a cell, a badge, a menu item, which is where single words stand. Inside a
  Vietnamese sentence an English word is most often a loanword ("đường link").
- Longer msgids match anywhere, bounded by non-letters on both sides so that "Open
  item" does not match "Open items"; the case of the first letter is free (labels
  are capitalised with |capfirst), the rest is exact.
- A language named in itself (the language menus offer "English") is not
  untranslated: such pieces of text are passed as `endonyms` and ignored.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from html import unescape
from pathlib import Path

PLACEHOLDER = re.compile(r"%\([^)]*\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[sdifr]|\{[^}]*\}")
TAG = re.compile(r"<[^>]+>")
WORD = re.compile(r"[A-Za-z]+")
PUNCTUATION = " :*•·–-()[]"


@dataclass(frozen=True)
class Msg:
    msgid: str
    msgstr: str
    fuzzy: bool


def po_messages(path: Path) -> list[Msg]:
    """Every singular and plural msgid of a .po file with its (first) msgstr."""
    entries: list[tuple[dict, bool]] = []
    entry: dict[str, str] = {}
    fuzzy, key = False, ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith(("#", "msgctxt ", "msgid ")) and _has_msgstr(entry):
            entries.append((entry, fuzzy))
            entry, fuzzy = {}, False
        if line.startswith("#"):
            fuzzy = fuzzy or (line.startswith("#,") and "fuzzy" in line)
        elif line.startswith('"'):
            entry[key] += ast.literal_eval(line)
        else:
            key, _sep, value = line.partition(" ")
            entry[key] = ast.literal_eval(value)
    if _has_msgstr(entry):
        entries.append((entry, fuzzy))
    return [
        Msg(msgid, entry.get("msgstr", entry.get("msgstr[0]", "")), fuzzy)
        for entry, fuzzy in entries
        for msgid in (entry.get("msgid"), entry.get("msgid_plural"))
        if msgid
    ]


def _has_msgstr(entry: dict) -> bool:
    return any(key.startswith("msgstr") for key in entry)


def _literal(text: str) -> str:
    """The words of a msgid as a page shows them: no tags, entities resolved."""
    return " ".join(unescape(TAG.sub(" ", text)).split())


@dataclass(frozen=True)
class Probe:
    """One msgid to look for: its words (a fast pre-check) and how it matches."""

    msgid: str
    words: frozenset[str]
    pattern: re.Pattern | None  # None: a single word, matched as a whole piece


def probes(messages: list[Msg]) -> list[Probe]:
    """The msgids whose presence on a Vietnamese page is a finding (module rule)."""
    vietnamese = " ".join(_literal(m.msgstr) for m in messages)
    found = []
    for message in messages:
        literal = _literal(message.msgid)
        if message.msgstr == message.msgid or not _counts(literal, vietnamese):
            continue
        words = WORD.findall(PLACEHOLDER.sub(" ", literal))
        whole = len(words) == 1 and not PLACEHOLDER.search(literal)
        pattern = None if whole else _pattern(literal)
        found.append(Probe(message.msgid, frozenset(map(str.lower, words)), pattern))
    return found


def _counts(literal: str, vietnamese: str) -> bool:
    words = WORD.findall(PLACEHOLDER.sub(" ", literal))
    if not any(len(word) >= 3 for word in words):
        return False
    if len(words) == 1 and (len(words[0]) < 4 or words[0].isupper()):
        return False
    return not _pattern(literal).search(vietnamese)


def _word_bounded(body: str) -> re.Pattern:
    return re.compile(rf"(?<![A-Za-z]){body}(?![A-Za-z])")


def _pattern(literal: str) -> re.Pattern:
    parts = PLACEHOLDER.split(literal.replace("%%", "%"))
    body = "(?s:.{1,80}?)".join(r"\s+".join(map(re.escape, p.split())) for p in parts)
    if body[:1].isalpha():
        body = f"[{body[0].upper()}{body[0].lower()}]{body[1:]}"
    return _word_bounded(body)


def untranslated(
    text: str, catalogue: list[Probe], endonyms: frozenset[str] = frozenset()
) -> list[str]:
    """The msgids of the catalogue that show verbatim in the text (one piece of
    text a line)."""
    pieces = {
        piece.strip(PUNCTUATION).lower()
        for piece in text.splitlines()
        if piece not in endonyms
    }
    text = "\n".join(p for p in text.splitlines() if p not in endonyms)
    words = set(WORD.findall(text.lower()))
    return [
        probe.msgid
        for probe in catalogue
        if probe.words <= words
        and (
            probe.pattern.search(text)
            if probe.pattern
            else next(iter(probe.words)) in pieces
        )
    ]
