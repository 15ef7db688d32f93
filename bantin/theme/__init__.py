"""The default theme, shipped inside the package (layouts/, assets/, history/ are data), a site's
own layouts and assets over it, and the theme files a site copied (`bantin theme`).

May import: project, language."""
