"""The search index of the built site, read by readers' browsers (no server): the index bantin writes
from the articles' records (engine.py, the default), or Pagefind run over the pages (index.py).

May import: content, markup, project, language."""
