"""MkDocs hook (mkdocs.yml): the pages of the editor's guide, under vi/, are Vietnamese, and say so to
browsers and screen readers (<html lang="vi">); the theme writes one language for every page, so its
own words (search box, previous/next, links' titles) are put in Vietnamese on those pages."""

from __future__ import annotations

import re
from typing import Any

_HTML_LANG = re.compile(r'(<html\b[^>]*\blang=")[^"]*(")')

# The readthedocs theme's words, as it writes them, and what a Vietnamese page says instead.
_THEME_WORDS_VI = (
    ('"Search docs"', '"Tìm trong hướng dẫn"'),
    ('title="Type search term here"', 'title="Gõ từ cần tìm"'),
    ('aria-label="Mobile navigation menu"', 'aria-label="Mục lục trên điện thoại"'),
    ('aria-label="Navigation menu"', 'aria-label="Mục lục"'),
    ('aria-label="breadcrumbs navigation"', 'aria-label="Đường dẫn"'),
    ('aria-label="Docs"', 'aria-label="Trang đầu"'),
    ('title="Permanent link"', 'title="Liên kết đến mục này"'),
    ('aria-label="Footer Navigation"', 'aria-label="Trang trước, trang sau"'),
    ('aria-label="Versions"', 'aria-label="Chuyển trang"'),
    ('</span> Previous</a>', '</span> Trang trước</a>'),
    ('>Next <span', '>Trang sau <span'),
    ('&laquo; Previous<', '&laquo; Trang trước<'),
    ('>Next &raquo;<', '>Trang sau &raquo;<'),
    ('Built with <a href="https://www.mkdocs.org/">MkDocs</a> using a <a href="https://github.com/readthedocs/'
     'sphinx_rtd_theme">theme</a> provided by <a href="https://readthedocs.org">Read the Docs</a>.',
     'Dựng bằng <a href="https://www.mkdocs.org/">MkDocs</a>, với <a href="https://github.com/readthedocs/'
     'sphinx_rtd_theme">giao diện</a> của <a href="https://readthedocs.org">Read the Docs</a>.'),
)


def on_post_page(output: str, page: Any, config: Any) -> str:
    """The page's HTML, with lang="vi" and the theme's words in Vietnamese for the pages under vi/."""
    if not page.file.src_uri.startswith("vi/"):
        return output
    output = _HTML_LANG.sub(r"\1vi\2", output, count=1)
    for english, vietnamese in _THEME_WORDS_VI:
        output = output.replace(english, vietnamese)
    return output
