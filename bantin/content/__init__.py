"""Articles: the content model (plain, frozen values), reading and validating Markdown files with
front matter, writing new ones, warnings about likely mistakes, and assembling the site
(order, taxonomies, archives, related news, neighbours).

May import: documents, photos, markup, project, language."""
