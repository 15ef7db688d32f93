"""`bantin init`: a new site of an association's own (the starter files in vi/ and en/, the site's
workflow), with nothing of the tool in it.

May import: theme, project, language."""
