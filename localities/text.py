"""Vietnamese text compared as officers type it: without tone marks or case, đ as d.

`fold` is the one rule, in Python; `Fold` applies the same rule inside the database, so that a
search can filter there: on PostgreSQL as one translate() over the letters whose folded form
differs (its table is made from `fold` itself), on SQLite by calling `fold` as a registered
function. static/js/select-filter.js folds the same way in the browser.
"""

import unicodedata
from functools import cache

from django.db.models import CharField, Func

SQLITE_FUNCTION = "PT_FOLD"


def fold(text: str) -> str:
    """ "Phường Ba Đình" -> "phuong ba dinh"."""
    plain = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in plain if not unicodedata.combining(c)).casefold()


@cache
def translate_table() -> tuple[str, str]:
    """(from, to) for PostgreSQL's translate(): every Latin letter whose folded form is one other
    letter, then the combining marks, which translate() drops (they have no partner in `to`)."""
    source, target = [], []
    letters = [chr(c) for c in range(ord("A"), ord("Z") + 1)]
    letters += [chr(c) for c in range(0x00C0, 0x0250)] + [chr(c) for c in range(0x1E00, 0x1F00)]
    for letter in letters:
        folded = fold(letter)
        if folded != letter and len(folded) == 1:
            source.append(letter)
            target.append(folded)
    marks = [chr(c) for c in range(0x0300, 0x0370)]
    return "".join(source + marks), "".join(target)


class Fold(Func):
    """fold(expression) in SQL."""

    output_field = CharField()
    arity = 1

    def as_sql(self, compiler, connection, **extra):
        raise NotImplementedError(f"Fold has no SQL for {connection.vendor}")

    def as_postgresql(self, compiler, connection, **extra):
        source, target = translate_table()
        sql, params = compiler.compile(self.source_expressions[0])
        # lower() for letters outside the table (none in Vietnamese); the table does the rest.
        return f"translate(lower({sql}), %s, %s)", [*params, source, target]

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, function=SQLITE_FUNCTION, **extra)


def register_sqlite_fold(sender, connection, **kwargs):
    """connection_created: every SQLite connection knows PT_FOLD."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            SQLITE_FUNCTION,
            1,
            lambda text: None if text is None else fold(text),
            deterministic=True,
        )
