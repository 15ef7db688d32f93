"""The Jinja2 environment of layouts/: loaded through the input check, run in a sandbox
that records what each page reads, errors reported with the layout's file and line."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, overload

import jinja2
from jinja2.loaders import split_template_path
from jinja2.nodes import EvalContext
from jinja2.runtime import Context, Macro
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from bantin.builder.deps import ARTICLE, TERM, TERM_ARTICLES, Recorder, Remembered
from bantin.content.model import Article, Term
from bantin.language.dates import date_in, datetime_in, vietnamese_date, vietnamese_datetime
from bantin.language.errors import ContentError
from bantin.language.messages import Text
from bantin.project.config import Config
from bantin.project.inputs import refusal
from bantin.theme.files import THEME_LAYOUTS, THEME_PREFIX


class LayoutMistake(jinja2.TemplateRuntimeError):
    """A layout gave one of bantin's filters or helpers what it cannot use: said in words, with a hint."""

    def __init__(self, message: Text, hint: Text | None = None) -> None:
        super().__init__(message)
        self.said, self.hint = message, hint


ARTICLE_FIELDS = ", ".join(name for name in Article.__dataclass_fields__
                           if name not in ("images", "links", "lines", "body_digest"))


def layout_error(exc: Exception, config: Config, doing: str | Text) -> ContentError:
    """A template error (or any error raised while a layout runs) as a ContentError pointing at
    the layout file and line: what went wrong, never a traceback."""
    name, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    if name is None:  # runtime errors: find the innermost frame that ran a layout
        trace = exc.__traceback__
        while trace is not None:
            filename = trace.tb_frame.f_code.co_filename
            if filename.startswith((str(config.layouts_dir), str(THEME_LAYOUTS))):
                name, line = filename, trace.tb_lineno
            trace = trace.tb_next
    where = layout_name(name, config) if name else "layouts"
    if isinstance(exc, LayoutMistake):
        return ContentError(where, line, None, Text("{problem} ({doing})", problem=exc.said, doing=doing), exc.hint)
    problem = getattr(exc, "message", None) or str(exc)
    if isinstance(exc, jinja2.UndefinedError):
        return ContentError(where, line, None, Text("the layout reads a value that does not exist ({kind}: {problem}) "
                                                    "({doing})", kind=type(exc).__name__, problem=problem, doing=doing),
                            _undefined_hint(problem))
    return ContentError(where, line, None, Text("{kind}: {problem} ({doing})", kind=type(exc).__name__,
                                                problem=problem, doing=doing))


def _undefined_hint(problem: str) -> Text | None:
    if "Article object" in problem:
        return Text("an article has these fields: {fields}; the other fields of its header are in article.extra",
                    fields=ARTICLE_FIELDS)
    return None


def _described(value: Any) -> Text:
    """A value a layout passed, in words: 'the text 'Hội thảo'', 'nothing (None)'."""
    if value is None:
        return Text("nothing (None)")
    if isinstance(value, str):
        return Text("the text {value!r}", value=value[:60])
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Text("the number {value}", value=value)
    return Text("a value of type {kind}", kind=type(value).__name__)


def _date_filter(name: str, function: Callable[[Any], str]) -> Callable[[Any], str]:
    """A date filter that says what a layout gave it instead of a date, with the layout's line."""

    def checked(value: Any) -> str:
        if isinstance(value, jinja2.Undefined):
            owner = value._undefined_obj
            missing = value._undefined_name
            if type(owner) is Article:
                raise LayoutMistake(Text("the filter {filter} got article.{name}, and an article has no field {name}",
                                         filter=name, name=missing), _undefined_hint("Article object"))
            raise LayoutMistake(Text("the filter {filter} got {name}, which does not exist", filter=name,
                                     name=missing if isinstance(missing, str) else "?"))
        if not isinstance(value, datetime):
            example = f"{{% if article.updated %}}{{{{ article.updated|{name} }}}}{{% endif %}}"
            raise LayoutMistake(Text("the filter {filter} needs a date, and got {value}", filter=name,
                                     value=_described(value)),
                                Text("give it a date such as article.date; for one that may be missing: {example}",
                                     example=example))
        return function(value)

    return checked


def file_size(size: int, decimal: str = ",") -> str:
    """A file's size as a reader reads it: '850 KB', '2,4 MB' (the decimal mark of the site's language)."""
    if size < 1000 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    megabytes = size / (1024 * 1024)
    shown = f"{megabytes:.1f}" if megabytes < 100 else f"{megabytes:.0f}"
    return f"{shown.replace('.', decimal)} MB"


def layout_name(filename: str, config: Config) -> str:
    """How messages name a layout: 'layouts/article.html' (the site's), '!theme/article.html' (the theme's)."""
    path = Path(filename)
    if not path.is_absolute():
        return f"layouts/{filename}"
    if path.is_relative_to(THEME_LAYOUTS):
        return THEME_PREFIX + path.relative_to(THEME_LAYOUTS).as_posix()
    return path.relative_to(config.root).as_posix() if path.is_relative_to(config.root) else filename


class LayoutLoader(jinja2.BaseLoader):
    """The site's layouts/ first, then the theme's (package data); `!theme/NAME` is the theme's file only.

    A site's file is read only after bantin/project/inputs.py's check: a link out of the project is an error.
    """

    def __init__(self, config: Config) -> None:
        self.site = jinja2.FileSystemLoader(str(config.layouts_dir))
        self.theme = jinja2.FileSystemLoader(str(THEME_LAYOUTS))
        self.folder = config.layouts_dir
        self.project = config.root

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        if template.startswith(THEME_PREFIX):
            return self.theme.get_source(environment, template.removeprefix(THEME_PREFIX))
        path = Path(self.folder, *split_template_path(template))
        if not os.path.lexists(path):
            return self.theme.get_source(environment, template)
        reason = refusal(path, self.project)
        if reason is not None:
            raise jinja2.TemplateError(Text("layout {name!r} may not be read: {reason}", name=template,
                                                 reason=reason))
        try:
            return self.site.get_source(environment, template)
        except UnicodeDecodeError:
            raise jinja2.TemplateSyntaxError(Text("the file is not UTF-8 text"), 1, template, str(path)) from None


class ArticleList(Sequence):
    """A term's articles as layouts see them: Article objects, newest first, looked up by key
    only when read (`term.articles[:3]`, `term.articles|length`). Reading the list records the
    term's article list; reading an article's field records that field (bantin/builder/deps.py)."""

    __slots__ = ("_articles", "_keys")

    def __init__(self, keys: tuple[str, ...], articles: Mapping[str, Article]) -> None:
        self._keys = keys
        self._articles = articles

    def __len__(self) -> int:
        return len(self._keys)

    @overload
    def __getitem__(self, index: int) -> Article: ...
    @overload
    def __getitem__(self, index: slice) -> list[Article]: ...
    def __getitem__(self, index: int | slice) -> Article | list[Article]:
        if isinstance(index, slice):
            return [self._articles[key] for key in self._keys[index]]
        return self._articles[self._keys[index]]

    def __iter__(self) -> Iterator[Article]:
        return (self._articles[key] for key in self._keys)

    def __repr__(self) -> str:
        return f"<{len(self._keys)} articles>"


def checked_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """A filter whose failure on a value of the wrong kind (`'2023'|vn_date`) is a layout error,
    reported with the layout's file and line, instead of a Python traceback."""

    @functools.wraps(function)  # keeps Jinja's pass_context/pass_environment marks
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except (TypeError, ValueError, AttributeError, LookupError, ArithmeticError) as exc:
            value = next((arg for arg in args if not isinstance(arg, _PASSED)), None)
            shown = repr(value)
            raise jinja2.TemplateRuntimeError(Text(
                "the filter {name} cannot be used on {value} ({kind}): {problem}", name=name,
                value=shown if len(shown) <= 60 else shown[:57] + "...", kind=type(value).__name__,
                problem=str(exc))) from None

    return run


_PASSED = (Context, jinja2.Environment, EvalContext)  # what Jinja hands a filter before its value
_CONTEXT_PLUMBING = frozenset({"_loop_vars", "_block_vars"})


class LayoutEnvironment(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, recording what layouts read of the site's own values.

    Every `x.attr` and `x["attr"]` in a layout passes through getattr/getitem here, so a
    read of an Article or a Term is recorded as a dependency of the page (bantin/builder/deps.py),
    whatever layout, partial or macro makes it. The sandbox checks every attribute a layout
    reads; for an Article or a Term (frozen dataclasses with no methods) only a leading
    underscore can make an attribute unsafe, so the full check is skipped for them
    (measured: a third of what the sandbox costs).
    """

    _PLAIN_VALUES = frozenset({Article, Term})
    _VALUE_ARGUMENTS = frozenset({str, Markup, int, float, bool, type(None)})  # compared by value
    _MEMO_LIMIT = 250_000  # a card per article at 100,000 articles; about 1 KB each

    def __init__(self, recorder: Recorder, articles: Mapping[str, Article],
                 body_of: Callable[[Article], str] | None = None, **options: Any) -> None:
        super().__init__(**options)
        self.recorder = recorder
        self.articles = articles  # key -> article: a term's `articles` are shown as these
        # an article's `body_html`, read where it is kept (the site's articles hold none: content/bodies.py)
        self.body_of = body_of or _own_body
        # macro call -> (its output, what it read, the objects its key names by id, kept alive)
        self._macro_memo: dict[tuple, tuple[Any, Remembered, tuple]] = {}
        self._own_functions: frozenset[int] = frozenset()  # ids of the functions among the globals

    def add_globals(self, values: dict[str, Any]) -> None:
        """Give layouts these values. The functions among them are bantin's own, safe to call as
        they are: a call skips the sandbox's checks and Jinja's context plumbing (a page calls
        url() some fifty times)."""
        self.globals.update(values)
        self._own_functions = frozenset(id(value) for value in self.globals.values()
                                        if callable(value) and not isinstance(value, type))

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        """Calls of a layout's macros are remembered: a list shows an article's card on some ten
        pages, and each was rendered anew. A macro sees only its arguments and the globals
        (an import without context), and the immutable sandbox lets it change nothing, so the
        same call gives the same output; what it read is recorded again for each page."""
        if id(__obj) in __self._own_functions:  # url(), image_tag(), ...: ours, and they take no context
            kwargs.pop("_loop_vars", None)
            kwargs.pop("_block_vars", None)
            return __obj(*args, **kwargs)
        # a call inside a call being remembered is remembered with it: one entry per card, not two
        key = None if __self.recorder.captures else __self._memo_key(__obj, args, kwargs)
        if key is None:
            return super().call(__context, __obj, *args, **kwargs)
        found = __self._macro_memo.get(key)
        if found is not None:
            __self.recorder.replay(found[1])
            return found[0]
        reads: list = []
        __self.recorder.captures.append(reads)
        try:
            output = super().call(__context, __obj, *args, **kwargs)
        finally:
            __self.recorder.captures.remove(reads)
        if len(__self._macro_memo) >= __self._MEMO_LIMIT:
            __self._macro_memo.clear()
        __self._macro_memo[key] = (output, Recorder.remembered(reads), (__obj, args))
        return output

    def _memo_key(self, obj: Any, args: tuple, kwargs: dict[str, Any]) -> tuple | None:
        """The key of a macro call that may be remembered, or None. Site objects (articles,
        terms) count by identity: each exists once per renderer, and the memo keeps them alive.
        Jinja 3.1.5+ passes a call in a loop or block the variables set there (`_loop_vars`,
        `_block_vars`), which only a function taking the context reads, never a macro."""
        if type(obj) is not Macro or obj.caller or not _CONTEXT_PLUMBING.issuperset(kwargs):
            return None
        key: list[Any] = [id(obj._func)]
        for arg in args:
            kind = type(arg)
            if kind in self._VALUE_ARGUMENTS:
                key.append((kind, arg))
            elif kind in self._PLAIN_VALUES:
                key.append(id(arg))
            elif kind in (list, tuple) and all(type(item) in self._PLAIN_VALUES for item in arg):
                # a list of articles ("Tin mới", the same beside nearly every article); the
                # immutable sandbox lets no layout change a list, and the memo keeps it alive
                key.append((kind, tuple(id(item) for item in arg)))
            else:
                return None
        return tuple(key)

    def _record(self, obj: Any, name: Any) -> None:
        kind = type(obj)
        if kind is Article:
            if isinstance(name, str):
                self.recorder.field(obj.key, name)
            else:
                self.recorder.add((ARTICLE, obj.key))
        elif kind is Term:
            self.recorder.add((TERM_ARTICLES if name == "articles" else TERM, obj.kind, obj.slug))

    def is_safe_callable(self, obj: Any) -> bool:
        # a layout's own macros are safe to call; asking them for the sandbox's markers
        # (unsafe_callable, alters_data) raises and catches two AttributeErrors per call
        return type(obj) is Macro or super().is_safe_callable(obj)

    def getattr(self, obj: Any, attribute: str) -> Any:
        """What the sandbox answers, sooner for the values layouts read most: a field of an
        Article or a Term, a key of a plain dict (`t.search`: Jinja tries the attribute
        first and catches an AttributeError, so a key named like a dict method stays the method)."""
        self._record(obj, attribute)
        kind = type(obj)
        if kind in self._PLAIN_VALUES:
            if kind is Term and attribute == "articles":
                return ArticleList(obj.articles, self.articles)
            if kind is Article and attribute == "body_html":
                return self.body_of(obj)
            if not attribute.startswith("_") and attribute in obj.__dataclass_fields__:
                return getattr(obj, attribute)
        elif kind is dict and attribute in obj and not hasattr(dict, attribute):
            return obj[attribute]
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        self._record(obj, argument)
        if type(obj) is Term and argument == "articles":
            return ArticleList(obj.articles, self.articles)
        if type(obj) is Article and argument == "body_html":
            return self.body_of(obj)
        return super().getitem(obj, argument)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if type(obj) in self._PLAIN_VALUES:
            return not attr.startswith("_")
        return super().is_safe_attribute(obj, attr, value)


def make_environment(config: Config, globals_: dict[str, Any], recorder: Recorder | None = None,
                     articles: Mapping[str, Article] | None = None,
                     body_of: Callable[[Article], str] | None = None) -> jinja2.Environment:
    """The Jinja2 environment: the site's layouts over the theme's, autoescaping, and a typo in a
    layout fails the build. `articles` (key -> article) are what a term's `articles` show;
    `body_of` reads an article's body where it is kept.

    Layouts may come from a pull request, so they run sandboxed: no access to Python's
    internals (`''.__class__`), no calls that change the site's data, no files but layouts.
    """
    env = LayoutEnvironment(
        recorder or Recorder(),
        articles or {},
        body_of,
        loader=LayoutLoader(config),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.add_globals(globals_)
    # dates as the site's language prints them; vn_*: always the Vietnamese forms (layouts written before)
    env.filters["datetime"] = _date_filter("datetime", functools.partial(datetime_in, config.language))
    env.filters["date"] = _date_filter("date", functools.partial(date_in, config.language))
    env.filters["vn_datetime"] = _date_filter("vn_datetime", vietnamese_datetime)
    env.filters["vn_date"] = _date_filter("vn_date", vietnamese_date)
    env.filters["isodate"] = _date_filter("isodate", datetime.isoformat)
    env.filters["filesize"] = functools.partial(file_size, decimal="," if config.language == "vi" else ".")
    env.filters = {name: checked_filter(name, function) for name, function in env.filters.items()}
    return env


def _own_body(article: Article) -> str:
    return article.body_html
