"""Charts an editor writes in Markdown, drawn at build time as SVG from a table kept beside the articles.

    ```chart
    type: bar                         # bar, line or pie
    data: /so-lieu/2024/hoi-vien.csv  # a CSV or YAML file under content/
    title: Hội viên qua các năm
    ```

The table's first column names the rows (the years, the units), the others are its series (numbers);
a pie takes the first series. The chart is an SVG in the page, its colours the theme's (classes
chart-1 ... chart-6, with the theme's colours as fallbacks), and the table itself follows it in a
<details>, for screen readers, for readers who want the numbers, and without script.
"""

from __future__ import annotations

import csv
import html
import io
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import yaml

from bantin.language.messages import Text

KINDS = ("bar", "line", "pie")
SPEC_KEYS = ("type", "data", "title", "columns", "unit")
DATA_SUFFIXES = (".csv", ".yml", ".yaml")
MAX_ROWS = 200
MAX_SERIES = 8
MAX_BYTES = 1_000_000
MARK = "\ue000"  # around a chart's number in the body until it is drawn: <p>\ue000chart-0\ue000</p>
_FENCE_RE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})\s*chart\s*$")
PALETTE = ("#0b5cad", "#d9822b", "#2f9e44", "#c92a2a", "#7048e8", "#868e96")  # the theme's --chart-1 ... 6


@dataclass(frozen=True)
class ChartSpec:
    """One chart of an article, as written."""

    kind: str  # "bar" | "line" | "pie"
    data: str  # site path of the table, "/so-lieu/2024/hoi-vien.csv"
    title: str = ""
    columns: tuple[str, ...] = ()  # the series shown (all when empty)
    unit: str = ""  # after the values: "người", "triệu đồng"
    line: int = 0  # its first line in the body (0-based)


@dataclass(frozen=True)
class Table:
    """A chart's data: a column of labels, then columns of numbers (None where a cell is empty)."""

    columns: tuple[str, ...]  # the label column's heading first
    rows: tuple[tuple[str, tuple[float | None, ...]], ...]


class ChartInvalid(ValueError):
    """A chart block or a table that cannot be drawn: what, where (a line of the body or of the file), a hint."""

    def __init__(self, message: Text, line: int | None = None, hint: Text | None = None) -> None:
        super().__init__(message)
        self.message, self.line, self.hint = message, line, hint


# --- in the Markdown ----------------------------------------------------------------------------
def extract(text: str) -> tuple[str, list[ChartSpec | ChartInvalid]]:
    """The body with each ```chart block replaced by its mark, and each block read (or why it cannot be)."""
    lines = text.split("\n")
    out: list[str] = []
    found: list[ChartSpec | ChartInvalid] = []
    index = 0
    while index < len(lines):
        opening = _FENCE_RE.match(lines[index])
        if opening is None:
            out.append(lines[index])
            index += 1
            continue
        fence = opening.group("fence")
        end = next((n for n in range(index + 1, len(lines)) if lines[n].strip().startswith(fence)), len(lines))
        found.append(_spec("\n".join(lines[index + 1: end]), index))
        out += ["", f"{MARK}chart-{len(found) - 1}{MARK}", ""]
        out += [""] * (end - index - 2)  # the lines stay where they were: messages name the editor's lines
        index = end + 1
    return "\n".join(out), found


def _spec(block: str, line: int) -> ChartSpec | ChartInvalid:
    example = "type: bar\ndata: /so-lieu/2024/hoi-vien.csv\ntitle: ..."
    try:
        data = yaml.safe_load(block) if block.strip() else None
    except yaml.YAMLError:
        data = None
    if not isinstance(data, dict):
        return ChartInvalid(Text("a chart needs its fields, one per line (type:, data:, title:)"), line,
                            Text("for example {example}", example=example))
    unknown = sorted(set(map(str, data)) - set(SPEC_KEYS))
    if unknown:
        return ChartInvalid(Text("unknown field of a chart: {names}", names=", ".join(unknown)), line,
                            Text("a chart has {fields}", fields=", ".join(SPEC_KEYS)))
    kind = str(data.get("type", "bar")).strip().lower()
    if kind not in KINDS:
        return ChartInvalid(Text("unknown kind of chart {kind!r}", kind=kind), line,
                            Text("write type: bar, line or pie"))
    path = str(data.get("data") or "").strip()
    if not path.startswith("/") or path.startswith("//") or not path.lower().endswith(DATA_SUFFIXES):
        return ChartInvalid(Text("a chart's data: must be the path in the site of a CSV or YAML file, got {value!r}",
                                 value=path), line,
                            Text("put the table under content/ and write its path, such as {path}",
                                 path="/so-lieu/2024/hoi-vien.csv"))
    columns = data.get("columns") or ()
    if isinstance(columns, str):
        columns = [columns]
    return ChartSpec(kind, path, _clean(data.get("title")), tuple(_clean(c) for c in columns),
                     _clean(data.get("unit")), line)


def _clean(value: object) -> str:
    return unicodedata.normalize("NFC", str(value)).strip() if value is not None else ""


# --- the table ------------------------------------------------------------------------------------
def read_table(data: bytes, name: str) -> Table:
    """A chart's table from a CSV (comma, semicolon or tab) or YAML file; ChartInvalid says what is wrong."""
    if len(data) > MAX_BYTES:
        raise ChartInvalid(Text("the table is larger than {size} MB", size=MAX_BYTES // 1_000_000))
    try:
        text = unicodedata.normalize("NFC", data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ChartInvalid(Text("the file is not UTF-8 text"), None, Text("save it as UTF-8 (in Excel: CSV UTF-8)")) \
            from None
    rows = _yaml_rows(text) if name.lower().endswith((".yml", ".yaml")) else _csv_rows(text)
    if len(rows) < 2 or len(rows[0]) < 2:
        raise ChartInvalid(Text("a table needs a row of headings and at least one row of values, in two columns "
                                "or more"), 1, Text("the first column names the rows, the others hold numbers"))
    if len(rows) - 1 > MAX_ROWS or len(rows[0]) - 1 > MAX_SERIES:
        raise ChartInvalid(Text("a chart shows at most {rows} rows and {series} series", rows=MAX_ROWS,
                                series=MAX_SERIES), 1)
    headings = tuple(_clean(cell) for cell in rows[0])
    parsed = []
    for number, row in enumerate(rows[1:], start=2):
        values = []
        for cell in list(row[1:]) + [""] * (len(headings) - len(row)):
            value = _number(cell)
            if value is None and str(cell).strip():
                raise ChartInvalid(Text("{value!r} is not a number", value=str(cell).strip()), number,
                                   Text("write numbers as 1234, 1234,5 or 1.234.567 (no units in the cells)"))
            values.append(value)
        parsed.append((_clean(row[0]), tuple(values[: len(headings) - 1])))
    return Table(headings, tuple(parsed))


def _csv_rows(text: str) -> list[list[str]]:
    first = text.split("\n", 1)[0]
    delimiter = max((";", "\t", ","), key=first.count) if any(d in first for d in ";\t,") else ","
    return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter) if any(cell.strip() for cell in row)]


def _yaml_rows(text: str) -> list[list[object]]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise ChartInvalid(Text("the YAML cannot be read"), mark.line + 1 if mark else None) from None
    if isinstance(data, dict):  # label: value
        return [["", "value"], *([key, value] for key, value in data.items())]
    if isinstance(data, list) and data and all(isinstance(item, dict) for item in data):
        headings = list(dict.fromkeys(key for item in data for key in item))
        return [headings, *([item.get(key, "") for key in headings] for item in data)]
    raise ChartInvalid(Text("a YAML table is a list of rows (name: value pairs) or one name: value per line"), 1)


def _number(cell: object) -> float | None:
    """1234, 1234.5, 1234,5, 1.234.567, 1,234,567, 1 234,5; None for an empty cell or text."""
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int | float):
        return float(cell)
    text = re.sub(r"[\s\u00a0_]", "", str(cell)).removesuffix("%")
    if not text:
        return None
    if re.fullmatch(r"-?\d{1,3}(\.\d{3})+(,\d+)?", text):  # Vietnamese: 1.234.567,5
        text = text.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", text):  # English: 1,234,567.5
        text = text.replace(",", "")
    elif re.fullmatch(r"-?\d+,\d+", text):
        text = text.replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


# --- drawing --------------------------------------------------------------------------------------
WIDTH, HEIGHT = 640, 340
_LEFT, _RIGHT, _TOP, _BOTTOM = 68, 16, 16, 64
FONT = 17  # in the SVG's units: a phone 360 pixels wide shows it at some 10 pixels


def figure(spec: ChartSpec, table: Table, number: int, language: str, data_label: str) -> str:
    """The chart as HTML: a <figure> with the SVG, its title as caption, and the table in <details>."""
    columns = [i for i, name in enumerate(table.columns[1:]) if not spec.columns or name in spec.columns]
    columns = columns[:1] if spec.kind == "pie" else columns
    series = [(table.columns[i + 1], [row[1][i] if i < len(row[1]) else None for row in table.rows]) for i in columns]
    labels = [label for label, _ in table.rows]
    title_id = f"chart-{number}-title"
    draw = {"bar": _bars, "line": _lines, "pie": _pie}[spec.kind]
    svg = (f'<svg class="chart chart-{spec.kind}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
           f'aria-labelledby="{title_id}" xmlns="http://www.w3.org/2000/svg">'
           f'<title id="{title_id}">{_e(spec.title or data_label)}</title>'
           f"{draw(labels, series, language)}{_legend(series) if len(series) > 1 else ''}</svg>")
    caption = f"<figcaption>{_e(spec.title)}</figcaption>" if spec.title else ""
    return (f'<figure class="chart-figure">{svg}{caption}<details class="chart-data"><summary>{_e(data_label)}'
            f"</summary>{_table(table, columns, spec.unit, language)}</details></figure>")


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _colour(index: int) -> str:
    return f'class="chart-{index % 6 + 1}" fill="{PALETTE[index % 6]}"'


def _scale(series: list[tuple[str, list[float | None]]]) -> tuple[float, float, list[float]]:
    """The value axis: from min(0, lowest) to a round top, with its ticks."""
    values = [v for _, column in series for v in column if v is not None] or [0.0]
    low, high = min(0.0, min(values)), max(0.0, max(values))
    if high == low:
        high = low + 1
    step = 10 ** math.floor(math.log10((high - low) / 4))
    step *= next(m for m in (1, 2, 2.5, 5, 10) if (high - low) / (step * m) <= 5)
    bottom, top = math.floor(low / step) * step, math.ceil(high / step) * step
    ticks = [bottom + i * step for i in range(round((top - bottom) / step) + 1)]
    return bottom, top, ticks


def format_number(value: float, language: str) -> str:
    """1234567.5 as readers write it: 1.234.567,5 in Vietnamese, 1,234,567.5 in English."""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text.translate(str.maketrans(",.", ".,")) if language == "vi" else text


def _axes(labels: list[str], bottom: float, top: float, ticks: list[float], language: str,
          centred: bool) -> tuple[str, Callable[[float], float]]:
    plot_h, plot_w = HEIGHT - _TOP - _BOTTOM, WIDTH - _LEFT - _RIGHT

    def y(value: float) -> float:
        return _TOP + plot_h * (top - value) / (top - bottom)

    parts = []
    for tick in ticks:
        level = f"{y(tick):.1f}"
        parts.append(f'<line class="chart-grid" x1="{_LEFT}" x2="{WIDTH - _RIGHT}" y1="{level}" y2="{level}" '
                     f'stroke="#dde2ea"/><text x="{_LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" '
                     f'font-size="{FONT}" fill="currentColor">{_e(format_number(tick, language))}</text>')
    step = plot_w / max(1, len(labels) - (0 if centred else 1))
    shown = max(1, math.ceil(len(labels) / 8))  # at most eight labels under the axis: a phone's width
    for index, label in enumerate(labels):
        if index % shown == 0:
            x = _LEFT + step * (index + 0.5 if centred else index)
            parts.append(f'<text x="{x:.1f}" y="{HEIGHT - _BOTTOM + 22}" text-anchor="middle" font-size="{FONT}" '
                         f'fill="currentColor">{_e(label[:10])}</text>')
    return "".join(parts), y


def _bars(labels: list[str], series: list[tuple[str, list[float | None]]], language: str) -> str:
    bottom, top, ticks = _scale(series)
    axes, y = _axes(labels, bottom, top, ticks, language, centred=True)
    group = (WIDTH - _LEFT - _RIGHT) / max(1, len(labels))
    width = group * 0.8 / max(1, len(series))
    bars = []
    for s, (name, column) in enumerate(series):
        for index, value in enumerate(column):
            if value is None:
                continue
            x = _LEFT + group * index + group * 0.1 + width * s
            y0, y1 = sorted((y(0), y(value)))
            bars.append(f'<rect {_colour(s)} x="{x:.1f}" y="{y0:.1f}" width="{width:.1f}" height="{y1 - y0:.1f}">'
                        f"<title>{_e(labels[index])} – {_e(name)}: {_e(format_number(value, language))}</title></rect>")
    return axes + "".join(bars)


def _lines(labels: list[str], series: list[tuple[str, list[float | None]]], language: str) -> str:
    bottom, top, ticks = _scale(series)
    axes, y = _axes(labels, bottom, top, ticks, language, centred=False)
    step = (WIDTH - _LEFT - _RIGHT) / max(1, len(labels) - 1)
    drawn = []
    for s, (name, column) in enumerate(series):
        points = [(_LEFT + step * i, y(v), labels[i], v) for i, v in enumerate(column) if v is not None]
        path = " ".join(f"{x:.1f},{py:.1f}" for x, py, _, _ in points)
        colour = PALETTE[s % 6]
        drawn.append(f'<polyline class="chart-line chart-{s % 6 + 1}" fill="none" stroke="{colour}" stroke-width="2.5" '
                     f'points="{path}"/>')
        drawn += [f'<circle {_colour(s)} cx="{x:.1f}" cy="{py:.1f}" r="3.5"><title>{_e(label)} – {_e(name)}: '
                  f"{_e(format_number(v, language))}</title></circle>" for x, py, label, v in points]
    return axes + "".join(drawn)


def _pie(labels: list[str], series: list[tuple[str, list[float | None]]], language: str) -> str:
    values = [(label, v) for label, v in zip(labels, series[0][1] if series else [], strict=False) if v and v > 0]
    total = sum(v for _, v in values) or 1.0
    cx, cy, r = HEIGHT / 2, HEIGHT / 2, HEIGHT / 2 - 16
    parts, angle = [], -math.pi / 2
    for index, (label, value) in enumerate(values):
        sweep = 2 * math.pi * value / total
        share = format_number(round(100 * value / total, 1), language)
        tip = f"<title>{_e(label)}: {_e(format_number(value, language))} ({share}%)</title>"
        if len(values) == 1:
            parts.append(f'<circle {_colour(index)} cx="{cx}" cy="{cy}" r="{r}">{tip}</circle>')
        else:
            x0, y0 = cx + r * math.cos(angle), cy + r * math.sin(angle)
            x1, y1 = cx + r * math.cos(angle + sweep), cy + r * math.sin(angle + sweep)
            large = 1 if sweep > math.pi else 0
            parts.append(f'<path {_colour(index)} d="M{cx},{cy} L{x0:.1f},{y0:.1f} A{r},{r} 0 {large} 1 '
                         f'{x1:.1f},{y1:.1f} Z">{tip}</path>')
        angle += sweep
        ly = 26 + index * 28
        if ly < HEIGHT - 8:
            parts.append(f'<rect {_colour(index)} x="{HEIGHT + 16}" y="{ly - 14}" width="16" height="16"/>'
                         f'<text x="{HEIGHT + 40}" y="{ly}" font-size="{FONT}" fill="currentColor">{_e(label[:18])} '
                         f"({share}%)</text>")
    return "".join(parts)


def _legend(series: list[tuple[str, list[float | None]]]) -> str:
    parts, x = [], _LEFT
    for s, (name, _) in enumerate(series):
        parts.append(f'<rect {_colour(s)} x="{x}" y="{HEIGHT - 20}" width="14" height="14"/><text x="{x + 19}" '
                     f'y="{HEIGHT - 8}" font-size="{FONT}" fill="currentColor">{_e(name[:24])}</text>')
        x += 36 + 9 * min(24, len(name))
    return "".join(parts)


def _table(table: Table, columns: list[int], unit: str, language: str) -> str:
    head = "".join(f'<th scope="col">{_e(table.columns[i + 1])}</th>' for i in columns)
    suffix = f" {unit}" if unit else ""

    def cell(values: tuple[float | None, ...], i: int) -> str:
        value = values[i] if i < len(values) else None
        return f"<td>{_e(format_number(value, language) + suffix) if value is not None else ''}</td>"

    rows = "".join(f'<tr><th scope="row">{_e(label)}</th>' + "".join(cell(values, i) for i in columns) + "</tr>"
                   for label, values in table.rows)
    return (f'<table><thead><tr><th scope="col">{_e(table.columns[0])}</th>{head}</tr></thead>'
            f"<tbody>{rows}</tbody></table>")


def expand(body_html: str, specs: tuple[ChartSpec, ...], draw: Callable[[int, ChartSpec], str]) -> str:
    """The body with each chart's mark replaced by draw(number, spec) (its figure, or "" when it cannot be drawn)."""
    return re.sub(rf"<p>{MARK}chart-(\d+){MARK}</p>",
                  lambda m: draw(int(m.group(1)), specs[int(m.group(1))]) if int(m.group(1)) < len(specs) else "",
                  body_html)
