"""MkDocs hook (mkdocs.yml): the pages of the editor's guide, under vi/, are Vietnamese, and say so to
browsers and screen readers (<html lang="vi">); the theme writes one language for every page."""

from __future__ import annotations

import re
from typing import Any

_HTML_LANG = re.compile(r'(<html\b[^>]*\blang=")[^"]*(")')


def on_post_page(output: str, page: Any, config: Any) -> str:
    """The page's HTML, with lang="vi" for the pages under vi/."""
    if page.file.src_uri.startswith("vi/"):
        return _HTML_LANG.sub(r"\1vi\2", output, count=1)
    return output
