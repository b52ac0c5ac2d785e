"""The exchange's pages: imports.py (upload → preview → confirm, import jobs, templates),
exports.py (the exports page, the compliance and raw exports, the printed report) and
tokens.py (API tokens)."""
