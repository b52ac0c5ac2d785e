"""Vietnamese alphabetical order for names, on both databases.

PostgreSQL sorts with the ICU collation ``vi_icu`` (created by a migration). SQLite has no ICU:
a collation of the same name is registered on every new SQLite connection, comparing the sort
keys below, so that ``Collate(field, "vi_icu")`` (see ``by_name`` in localities.querysets) is
the same SQL on both.

The key follows the Vietnamese alphabet — a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư
v x y — as ICU's ``vi`` tailoring does: letters first (Đ after D, Ô after O), then the tones
(none, huyền, hỏi, ngã, sắc, nặng), then lower case before upper case. Spaces, punctuation and
digits come before letters.
"""

import functools
import unicodedata

from django.db.backends.signals import connection_created
from django.dispatch import receiver

COLLATION = "vi_icu"
ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
# Combining marks that make another letter of the alphabet (breve, circumflex, horn) ...
LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}
# ... and the tones, in the order of the Vietnamese dictionary.
TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_LETTER = {letter: position for position, letter in enumerate(ALPHABET)}


@functools.lru_cache(maxsize=4096)
def _char_key(char: str) -> tuple[tuple, int, int]:
    """(primary, tone, case) of one character."""
    lower = char.lower()
    case = 0 if char == lower else 1
    decomposed = unicodedata.normalize("NFD", lower)
    base, marks = decomposed[:1], decomposed[1:]
    tone = 0
    letter_marks = ""
    for mark in marks:
        if mark in TONES:
            tone = TONES[mark]
        elif mark in LETTER_MARKS:
            letter_marks += mark
    letter = unicodedata.normalize("NFC", base + letter_marks)
    if letter in _LETTER:
        return (2, _LETTER[letter]), tone, case
    if base.isalpha():  # a letter outside the Vietnamese alphabet (f, j, w, z ...)
        return (2, len(ALPHABET), ord(base)), tone, case
    if base.isdigit():
        return (1, ord(base)), tone, case
    return (0, ord(base)), tone, case


def sort_key(text: str) -> tuple:
    """A key sorting `text` in Vietnamese alphabetical order."""
    keys = [_char_key(char) for char in unicodedata.normalize("NFC", text or "")]
    return (
        tuple(k[0] for k in keys),
        tuple(k[1] for k in keys),
        tuple(k[2] for k in keys),
    )


def compare(left: str, right: str) -> int:
    a, b = sort_key(left), sort_key(right)
    return (a > b) - (a < b)


@receiver(connection_created)
def register_on_sqlite(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_collation(COLLATION, compare)
