"""The site's folder as bantin reads it: site.toml (and the deploy targets and hosts it names),
the one gate through which every input file passes, project paths, and the build cache.

May import: language, markup."""
