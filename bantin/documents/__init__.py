"""Documents: the PDF and Office files articles publish. Their facts (type, size, pages, title), their
text page by page (old TCVN3 and VNI fonts converted, scans read by OCR), a thumbnail of a PDF's first
page, official document numbers ("135/UBND-KTTH") and the phrases that cite them, and charts drawn from
tables kept beside the articles. Files are read in child processes with a time and memory limit.

May import: photos, project, language."""
