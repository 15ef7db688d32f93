"""Photos as readers get them: each photo's facts, the variants made of it (sizes, formats, crops)
and the markup that offers them, encoded with Pillow and cached by digest.

May import: project, language."""
