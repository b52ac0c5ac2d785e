"""Text cells a spreadsheet program would take for a formula.

A cell that starts with =, +, -, @, a tab or a carriage return may be run as a formula when the
file is opened (CSV) or the cell edited (XLSX): every export writes such a text with a leading
apostrophe, as OWASP advises, so that it stays text. Only text: a number (a fine, a count, a
negative growth) is written as the number it is. An import reads such a cell back without the
apostrophe (``from_text``), so that an export imports back unchanged.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text(value: str) -> str:
    """The text, with a leading apostrophe when a spreadsheet could read it as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def from_text(value: str) -> str:
    """The text an export wrote with ``as_text``: the apostrophe before a formula's first
    character dropped, anything else left as it is."""
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value
