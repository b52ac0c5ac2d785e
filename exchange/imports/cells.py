"""The cells of an import file, parsed from their text: dates, yes/no, amounts in VND, choices.

Each parser raises CellError with a message for the user (in their language) naming the value
and what to write instead. An empty cell is no date, the default yes/no or an amount of 0; a
choice is never empty.

A choice may be written as its code or as its label in Vietnamese or in English, as the forms
and the lists show it; a yes/no as true/false, có/không or yes/no. Words are compared after
normalise(): Unicode NFC (a word typed on Windows may come decomposed, "có" as "c", "o" and a
combining accent), spaces trimmed and collapsed, case ignored. Tone marks are never ignored:
"có" and "cỏ", or two labels that differ only by them, stay apart.
"""

import datetime
import functools
import re
import unicodedata

from django.utils import translation
from django.utils.translation import gettext as _

DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
GROUPED = re.compile(r"^\d{1,3}([.,\s]\d{3})+$")
TRUE = {"true", "1", "yes", "y", "x", "có", "co", "c"}
MAX_AMOUNT_DIGITS = 30
# A number of people fits a PositiveIntegerField (at most 2,147,483,647 on every database).
MAX_COUNT_DIGITS = 9
FALSE = {"false", "0", "no", "n", "không", "khong", "k"}
# The languages whose labels a choice or a heading may be written in.
LABEL_LANGUAGES = ("vi", "en")
SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """A word of a file as it is compared: NFC, trimmed, inner spaces as one, case ignored."""
    return SPACES.sub(" ", unicodedata.normalize("NFC", str(text))).strip().casefold()


def in_languages(text) -> list[str]:
    """A translatable text in each of LABEL_LANGUAGES, the Vietnamese first."""
    words = []
    for language in LABEL_LANGUAGES:
        with translation.override(language):
            words.append(str(text))
    return words


class CellError(Exception):
    pass


def parse_date(text: str) -> datetime.date | None:
    if not text:
        return None
    return _date(text)


# A file repeats the same few thousand dates and choices: each text is parsed once (a bounded
# cache; a text that is no date or no choice raises each time, in the user's language).
@functools.lru_cache(maxsize=4096)
def _date(text: str) -> datetime.date:
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
    value = normalise(text)
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise CellError(
        _("“%(value)s” is not yes or no: write có or không (true or false, yes or no).")
        % {"value": text}
    )


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


def parse_count(text: str) -> int:
    """A number of people: a whole number, 0 or more (empty = 0); thousands may be grouped."""
    if not text:
        return 0
    value = re.sub(r"[.,\s]", "", text) if GROUPED.match(text) else text.strip()
    if not (value.isascii() and value.isdigit()) or len(value) > MAX_COUNT_DIGITS:
        raise CellError(
            _("“%(value)s” is not a number of people: write a whole number, e.g. 120.")
            % {"value": text}
        )
    return int(value)


@functools.cache
def choice_words(choices) -> dict[str, str]:
    """{normalised word: value} for a TextChoices: each value's code and its label in each of
    LABEL_LANGUAGES. ValueError if one word would name two values (a choice could then be
    read as another)."""
    words: dict[str, str] = {}
    for value, label in zip(choices.values, choices.labels, strict=True):
        for word in (value, *in_languages(label)):
            key = normalise(word)
            if words.setdefault(key, str(value)) != str(value):
                raise ValueError(f"{choices.__name__}: “{word}” names two choices")
    return words


def choices_text(pairs) -> str:
    """What may be written, for an error message: “code (label)”, one after another."""
    return "; ".join(f"{code} ({label})" for code, label in pairs)


def parse_choice(text: str, choices) -> str:
    """The value of a TextChoices written as its code or its label (Vietnamese or English)."""
    found = _choice(text, choices)
    if found is not None:
        return found
    raise CellError(
        _("“%(value)s” is not allowed here: write one of %(choices)s.")
        % {"value": text, "choices": choices_text(choices.choices)}
    )


@functools.lru_cache(maxsize=1024)
def _choice(text: str, choices) -> str | None:
    return choice_words(choices).get(normalise(text))
