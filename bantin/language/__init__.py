"""The words bantin speaks: messages in the site's language, errors that name file, line and field,
parser errors in an editor's words, dates as editors write them and readers see them, the
interface strings, and Vietnam's provinces (with the merger of 1 July 2025).

May import: nothing else of bantin."""
