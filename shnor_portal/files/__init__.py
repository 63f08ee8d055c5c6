"""The file-safety package: everything about files users send and files the portal keeps, below every app (it
imports none).

- `sniff`: what a file is, by its content (a table for an import; an attachment: pdf, docx, xlsx, jpg, png).
- `limits`: the size limits of uploaded tables and the wording of a refusal for size.
- `archive`: an .xlsx opened as a zip, measured in real unpacked bytes and inspected before any XML is parsed.
- `rows`: the one reader of uploaded tables (.xlsx, .csv) used by the three imports — rows of cell values for the
  results and registry imports; for the plan import, the cells as the user sees them (`shown_workbook`, streamed by
  `grid`: formatted text, merged cells, hidden rows, within a plan table's bounds).
- `refusals`: `FileRefused` (the file cannot be read) and `ImportRefused` (a checked import cannot be confirmed).
- `uploads`: the size check of an upload, compressed keeping, removal of files after the commit.
- `models`: the abstract `Attachment` of event materials and evidence of progress reports; `serving` sends a kept
  file as a download.
"""
