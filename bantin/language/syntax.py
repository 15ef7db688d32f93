"""Parser errors in an editor's words: what YAML (an article's header) or TOML (site.toml, the
province list) could not read, the likely cause, and the line as it should be written.

The parsers say what they met ("mapping values are not allowed in this context"), not what
the editor did. The usual causes are few: a Tab in the indentation, curly quotes typed by a
word processor, a value holding ': ' without quotes, a quote never closed. Each is found
from the text of the lines up to where the parser stopped; the parser's own words are kept
after the explanation, for a search for help.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass

import yaml

from bantin.language.messages import Text

_KEY_RE = re.compile(r"^(?P<key>[^\s#:\-\"'][^:#]*?):(?:\s+(?P<value>.*))?$")  # "title: value" at the margin
_ITEM_RE = re.compile(r"^(?P<indent>\s*)-\s+(?P<value>.*)$")  # "  - value" in a list
_TOML_KEY_RE = re.compile(r"^\s*(?P<key>[A-Za-z0-9_.\-\"']+?)\s*(?P<sign>[=:])\s*(?P<value>.*)$")
_TOML_AT_RE = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)$")
_CURLY = "“”‘’„‟«»"
_STRAIGHT = str.maketrans({"“": '"', "”": '"', "„": '"', "‟": '"', "«": '"', "»": '"', "‘": "'", "’": "'"})
_INDICATORS = "[]{}@`%&*!|>"  # a plain YAML value cannot start with these


@dataclass(frozen=True)
class Explained:
    """A parser error as an editor reads it."""

    line: int | None  # line of the file
    field: str | None  # the field of that line, when it has one
    message: Text
    hint: Text | None


def yaml_error(front: str, error: yaml.YAMLError, first_line: int) -> Explained:
    """Explain a YAML error in an article's header; `first_line` is the file's line of the header's first line."""
    lines = front.split("\n")
    mark = getattr(error, "problem_mark", None)
    at = min(mark.line, len(lines) - 1) if mark is not None else len(lines) - 1
    problem = getattr(error, "problem", None) or str(error)
    found = _yaml_cause(lines, at)
    index, cause, fixed = found if found is not None else (at, None, None)
    field = _field_of(lines, index)
    if cause is None:
        message = Text("the article's header (front matter) cannot be read here (YAML: {problem})", problem=problem)
        return Explained(first_line + index, field, message,
                         Text("each line of the header is 'field: value'; put text holding symbols in double "
                              "quotes: {example}", example='title: "Hà Tĩnh: hội thảo"'))
    message = Text("the article's header (front matter) cannot be read: {cause} (YAML: {problem})",
                   cause=cause, problem=problem)
    line = first_line + index
    if isinstance(fixed, Text):  # a hint of its own
        hint = fixed
    elif fixed is not None:  # the line rewritten
        hint = Text("write line {line} as: {fixed}", line=line, fixed=fixed)
    else:
        hint = Text("replace the Tab at the start of line {line} with two spaces", line=line)
    return Explained(first_line + index, field, message, hint)


def _yaml_cause(lines: list[str], at: int) -> tuple[int, Text, str | None] | None:
    """(line index, cause, the line rewritten or a hint) for the usual mistakes, looking up to the error's line."""
    for index in range(at + 1):  # a Tab in the indentation stops the parser at once, or later
        line = lines[index]
        indent = line[: len(line) - len(line.lstrip())]
        if "\t" in indent:
            return index, Text("the line starts with a Tab: use spaces, not the Tab key"), None
    for index in range(at + 1):  # a quote opened on an earlier line runs on until the parser gives up
        value, rebuild = _parts(lines[index])
        if value and _unclosed(value):
            quote = value[0] if value[0] in "\"'" else '"'
            closed = (value.startswith("[") and listed(value)) or value.rstrip() + quote  # in a list, before ']'
            return index, Text("a quote opened here is never closed"), rebuild(closed)
    line = lines[at]
    value, rebuild = _parts(line)
    if not value:
        if line[:1].isspace() and _KEY_RE.match(line.lstrip()) and at > 0:
            return at, Text("the line starts with spaces: a field starts at the beginning of the line"), line.strip()
        return None
    if value[0] == '"' and "\\" in value:  # "C:\Users\...": in double quotes \U starts a special sign
        return at, Text("inside double quotes, \\ starts a special sign: write the value in single quotes"), \
            rebuild("'" + value.strip().strip('"').replace("'", "''") + "'")
    if any(mark in value for mark in _CURLY):
        return at, Text("curly quotes “ ” do not enclose a value: put the whole value in straight double "
                        "quotes \" \""), rebuild(_quoted(value))
    if ": " in value or value.endswith(":"):
        return at, Text("the value holds ': ', which reads as a new field: put the whole value in double quotes"), \
            rebuild(_quoted(value))
    if value[0] in "\"'":
        return at, Text("the value goes on after its closing quote: put the whole value in double quotes, "
                        "with \\\" for each quote inside"), rebuild(_quoted(value))
    if value[0] == "[" and value.rstrip().endswith("]"):
        return at, Text("the list is not written right: each item in double quotes, separated by commas"), \
            rebuild(listed(value) or '["…", "…"]')
    if value[0] in _INDICATORS:
        return at, Text("a value starting with {symbol} must be in double quotes", symbol=repr(value[0])), \
            rebuild(_quoted(value))
    return None


def listed(value: str) -> str | None:
    """A list as an editor meant it, written right: each item between commas in double quotes
    ('[trí thức", "hội thảo]' -> '["trí thức", "hội thảo"]'); a value written as '[...]' or as
    'a, b'. None where no item is left."""
    inner = value.strip()
    if inner.startswith("["):
        inner = inner[1:].removesuffix("]") if inner.endswith("]") else inner[1:]
    items = [item.strip().strip("\"'“”‘’").strip() for item in inner.split(",")]
    items = [item for item in items if item]
    return json.dumps(items, ensure_ascii=False) if items else None


def _parts(line: str) -> tuple[str, Callable[[str], str]]:
    """(value, a function writing the line again with another value) of 'key: value' or '- value'."""
    match = _KEY_RE.match(line)
    if match:
        key = match["key"]
        return (match["value"] or "").strip(), lambda value: f"{key}: {value}"
    match = _ITEM_RE.match(line)
    if match:
        indent = match["indent"]
        return match["value"].strip(), lambda value: f"{indent}- {value}"
    return "", lambda value: value


def _unclosed(value: str) -> bool:
    """Does this value open a quote it does not close on the same line? Quotes open a scalar only at its start."""
    quote, start = None, True
    index = 0
    while index < len(value):
        char = value[index]
        if quote == '"':
            if char == "\\":
                index += 1
            elif char == '"':
                quote = None
        elif quote == "'":
            if char == "'" and value[index + 1: index + 2] == "'":
                index += 1
            elif char == "'":
                quote = None
        elif char in "\"'" and start:
            quote = char
        elif char == "#" and index and value[index - 1].isspace():
            break  # a comment
        start = char in "[{," or (char.isspace() and start)
        index += 1
    return quote is not None


def _quoted(value: str) -> str:
    """A value in straight double quotes (JSON's string syntax is YAML's and TOML's), curly quotes kept inside."""
    value = value.strip()
    if len(value) > 1 and value[0] == '"' and value[-1] == '"':
        value = value[1:-1]
    return json.dumps(value, ensure_ascii=False)


def _field_of(lines: list[str], index: int) -> str | None:
    """The field a line belongs to: its own key, or the key above it (a list item, an indented line)."""
    for line in reversed(lines[: index + 1]):
        match = _KEY_RE.match(line)
        if match and not line[:1].isspace():
            return match["key"].strip()
    return None


def duplicated_keys(front: str, first_line: int) -> list[tuple[str, int, int]]:
    """(field, first line, second line) for every field written twice: YAML keeps the last one, silently."""
    seen: dict[str, int] = {}
    twice = []
    for index, line in enumerate(front.split("\n")):
        match = _KEY_RE.match(line)
        if match:
            key = match["key"].strip()
            if key in seen:
                twice.append((key, seen[key], first_line + index))
            else:
                seen[key] = first_line + index
    return twice


# A plain (unquoted) value ends where ' #' starts a comment; for words an editor writes, that
# cut is never meant ("Hội nghị lần thứ #3" kept as "Hội nghị lần thứ").
_CUT_BY_COMMENT_RE = re.compile(r"^(?P<key>[A-Za-z_]+)[ \t]*:[ \t]+(?P<value>[^'\"|>\[{#\s][^\n]*?)[ \t]+#")


def cut_by_comment(front: str, first_line: int, fields: frozenset[str]) -> list[tuple[str, int, str]]:
    """(field, line, the value as written) for each of `fields` written without quotes whose value holds
    ' #': YAML keeps only what comes before it, silently."""
    found = []
    for index, line in enumerate(front.split("\n")):
        match = _CUT_BY_COMMENT_RE.match(line)
        if match and match["key"] in fields:
            found.append((match["key"], first_line + index, line.split(":", 1)[1].strip()))
    return found


def uneven_items(front: str, first_line: int) -> list[tuple[str, int, int, int]]:
    """(field, line, the first item's line, its column) for each '- item' of a field's list of plain
    items that does not start where its first item does: YAML joins a deeper one to the item above
    ("trí thức - hội thảo"), silently, or cannot read a shallower one. Lists holding anything but
    '- item' lines (tables of fields, lists in lists) are left to YAML."""
    found: list[tuple[str, int, int, int]] = []
    field: str | None = None
    first: tuple[int, int] | None = None  # the first item's (line, column)
    for index, line in enumerate(front.split("\n")):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key = _KEY_RE.match(line)
        if key and not line[:1].isspace():
            field, first = key["key"].strip(), None
            continue
        item = _ITEM_RE.match(line)
        if item is None or field is None or _KEY_RE.match(item["value"]):
            field = None  # not a list of plain items
            continue
        if first is None:
            first = (first_line + index, len(item["indent"]))
        elif len(item["indent"]) != first[1]:
            found.append((field, first_line + index, *first))
    return found


def toml_error(text: str, error: tomllib.TOMLDecodeError, file: str) -> Explained:
    """Explain a TOML error in `file` (site.toml or a province list)."""
    said = str(error)
    where = _TOML_AT_RE.search(said)
    problem = said[: where.start()] if where else said
    lines = text.split("\n")
    number = int(where.group(1)) if where and where.group(1) else None
    found = _toml_cause(lines, number, problem)
    if found is None:
        return Explained(number, None, Text("{file} cannot be read here (TOML: {problem})", file=file,
                                            problem=problem),
                         Text("each line is 'key = value', text in double quotes: {example}",
                              example='title = "Liên hiệp hội"'))
    number, key, cause, fixed = found
    message = Text("{file} cannot be read: {cause} (TOML: {problem})", file=file, cause=cause, problem=problem)
    hint = Text("write line {line} as: {fixed}", line=number, fixed=fixed) if fixed is not None else \
        Text("keep one of the two lines")
    return Explained(number, key, message, hint)


def _toml_cause(lines: list[str], number: int | None, problem: str) -> tuple[int, str | None, Text, str | None] | None:
    """(line, key, cause, the line rewritten) for the usual mistakes in TOML."""
    if problem.startswith("Cannot overwrite") or problem.startswith("Cannot declare"):
        seen: dict[str, int] = {}
        table = ""
        for index, line in enumerate(lines):
            if line.strip().startswith("["):
                table = line.strip()
                continue
            match = _TOML_KEY_RE.match(line)
            if match and match["sign"] == "=":
                key = f"{table}{match['key']}"
                if key in seen:
                    return index + 1, match["key"], Text("{key} is set twice (lines {first} and {second})",
                                                         key=match["key"], first=seen[key], second=index + 1), None
                seen[key] = index + 1
        return None
    if number is None:
        return None
    if problem.startswith("Unclosed array"):
        for index in range(min(number, len(lines)) - 1, -1, -1):
            match = _TOML_KEY_RE.match(lines[index])
            if match and match["value"].startswith("["):
                return index + 1, match["key"], Text("a list opened with '[' is never closed with ']'"), \
                    f"{match['key']} = {match['value'].rstrip().rstrip(',')}]"
        return None
    if problem.startswith("Expected ']' at the end of a table"):
        line = lines[number - 1].rstrip()
        return number, None, Text("a heading opened with '[' is never closed with ']'"), f"{line}]"
    for index in range(min(number, len(lines))):  # a string opened and never closed
        match = _TOML_KEY_RE.match(lines[index])
        if match and match["sign"] == "=" and _unclosed(match["value"]):
            return index + 1, match["key"], Text("a quote opened here is never closed"), \
                f"{match['key']} = {match['value'].rstrip()}{match['value'][0]}"
    line = lines[number - 1] if number <= len(lines) else ""
    match = _TOML_KEY_RE.match(line)
    if match is None:
        if any(mark in line for mark in _CURLY):  # an item of a list written over several lines
            straight = line.strip().translate(_STRAIGHT)
            return number, None, Text("curly quotes “ ” do not enclose a value: use straight double quotes \" \""), \
                straight
        return None
    key, value = match["key"], match["value"].strip()
    if match["sign"] == ":":
        kept = value if value[:1] in "\"'[{" or _literal(value) else _quoted(value)
        return number, key, Text("site settings are written 'key = value', with '=', not ':'"), f"{key} = {kept}"
    if any(mark in value for mark in _CURLY):
        return number, key, Text("curly quotes “ ” do not enclose a value: use straight double quotes \" \""), \
            f"{key} = {_quoted(value.strip(_CURLY))}"
    if value and value[0] not in "\"'[{" and not _literal(value):
        return number, key, Text("text must be in double quotes"), f"{key} = {_quoted(value)}"
    return None


def _literal(value: str) -> bool:
    """A TOML value that needs no quotes: a number, true or false, a date."""
    return bool(re.match(r"^(true|false|[+-]?\d[\d_.:eE+\-TZ ]*)(\s*#.*)?$", value))
