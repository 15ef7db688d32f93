"""The editor's loop: `bantin serve` (live preview on loopback, the error overlay), rebuilding on
each save, and the web editor's local backend.

May import: builder, content, markup, project, language."""
