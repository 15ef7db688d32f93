"""The search index of the built site, read by readers' browsers (no server).

May import: content, markup, project, language."""
