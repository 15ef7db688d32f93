"""Bringing an old archive in: plain-text dumps (import-text), WordPress exports and saved copies
of old sites, converted to articles with front matter; the mapping of their categories and
the writer that moves an import into content/ all at once or not at all.

May import: content, photos, markup, project, language."""
