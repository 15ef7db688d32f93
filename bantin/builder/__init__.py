"""The builder: the build, stage by stage: plan every output, render it through sandboxed layouts while
recording what it reads, write only what changed, and keep the ledger of what the output
holds. pipeline.py runs the stages in order.

May import: search, content, documents, photos, theme, markup, project, language."""
