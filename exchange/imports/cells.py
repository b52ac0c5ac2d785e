"""The cells of an import file, parsed from their text: dates, yes/no, amounts in VND, choices.

Each parser raises CellError with a message for the user (in their language) naming the value
and what to write instead. An empty cell is no date, the default yes/no or an amount of 0; a
choice is never empty.
"""

import datetime
import functools
import re

from django.utils.translation import gettext as _

DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
GROUPED = re.compile(r"^\d{1,3}([.,\s]\d{3})+$")
TRUE = {"true", "1", "yes", "y", "x", "có", "co", "c"}
MAX_AMOUNT_DIGITS = 30
FALSE = {"false", "0", "no", "n", "không", "khong", "k"}


class CellError(Exception):
    pass


def parse_date(text: str) -> datetime.date | None:
    if not text:
        return None
    match = YMD.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = DMY.match(text)
        if not match:
            raise CellError(
                _("“%(value)s” is not a date: write dd/mm/yyyy or YYYY-MM-DD.") % {"value": text}
            )
        day, month, year = (int(g) for g in match.groups())
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise CellError(_("“%(value)s” is not a real date.") % {"value": text}) from None


def parse_bool(text: str, default: bool) -> bool:
    if not text:
        return default
    value = text.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise CellError(_("“%(value)s” is not yes or no: write true or false.") % {"value": text})


def parse_amount(text: str) -> int:
    if not text:
        return 0
    value = text.replace(" ", "")
    if GROUPED.match(text):
        value = re.sub(r"[.,\s]", "", text)
    # ASCII digits only ("²" is a digit to str.isdigit but no number to int), and no more of
    # them than an amount in VND could have.
    if not (value.isascii() and value.isdigit()) or len(value) > MAX_AMOUNT_DIGITS:
        raise CellError(
            _("“%(value)s” is not an amount in VND: write a whole number, e.g. 1500000.")
            % {"value": text}
        )
    return int(value)


@functools.cache
def _choice_values(choices) -> tuple[str, ...]:
    return tuple(str(v) for v in choices.values)


def parse_choice(text: str, choices) -> str:
    values = _choice_values(choices)
    if text in values:
        return text
    raise CellError(
        _("“%(value)s” is not allowed here: write one of %(choices)s.")
        % {"value": text, "choices": ", ".join(values)}
    )
