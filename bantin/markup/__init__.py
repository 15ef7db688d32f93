"""What an article's text becomes: Markdown to HTML (Python-Markdown and bantin's extensions),
and the sanitiser that lets only the harmless part of an editor's HTML reach readers.

May import: language."""
