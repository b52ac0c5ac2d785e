"""Which years of which province a write to a record would change: what a submitted or approved
year refuses (plan_tracker.approvals holds the approvals and the refusal's message).

A year's figures are those of plan-rules §7 as of the year's end (what a submission stores). A
record is tied to the years its figures count in (its *span*): an inspection to the year of its
date; a report to the years of its receipt and of its handling; a case to the year of its
handling; an establishment to every year it operates (from its opening, or from the earliest
year when it is unknown, to its closing, or to this year while it is open). Writing a record
changes:

* a new or deleted record: every year of its span;
* a changed date: the years of the old and of the new date (an establishment's opening or
  closing: every year between them, in which it starts or stops operating);
* any other change that the figures read (a place, a kind, an outcome, an extension, the
  plan's scope): every year of the old span and of the new one.

A change of a free text alone (a name, notes, a summary) changes no figure and no year.
The record's stored values are kept as it is read (from_db), so an edit moving a record out
of a locked year counts as a change of that year too.
"""

import datetime

from django.utils import timezone

# An unknown opening date: operating since before any plan.
EARLIEST_YEAR = 2000


class YearLocked:
    """Mixin for the records whose writes a locked year may refuse."""

    # Date fields that tie a record to years (in addition to a model's own in span_years()).
    figure_dates: tuple[str, ...] = ()
    # Fields no figure reads: a change of these alone touches no year.
    free_fields: tuple[str, ...] = ()
    # Fields never compared: bookkeeping, and the province derived from the place.
    _bookkeeping = ("id", "version", "created_at", "updated_at", "province_id")

    @classmethod
    def dated_fields(cls) -> tuple[str, ...]:
        """figure_dates that the model has (an optional one may come with a later migration)."""
        names = {f.attname for f in cls._meta.concrete_fields}
        return tuple(name for name in cls.figure_dates if name in names)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stored = dict(zip(field_names, values, strict=True))
        return instance

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # What is stored now: the next edit of this same object is compared with it.
        self._stored = self.current_values()

    # What a model says of itself --------------------------------------------------------------

    def province_for(self, values: dict) -> int | None:
        """The province of the record with these field values (attnames)."""
        raise NotImplementedError

    def span_years(self, values: dict) -> set[int]:
        return {values[name].year for name in self.dated_fields() if values.get(name) is not None}

    def date_change_years(self, field: str, old, new) -> set[int]:
        return {day.year for day in (old, new) if day is not None}

    # The years a write touches ----------------------------------------------------------------

    def current_values(self) -> dict:
        return {f.attname: getattr(self, f.attname) for f in self._meta.concrete_fields}

    def touched(self, *, deleting: bool = False) -> set[tuple[int, int]]:
        """The (province id, year) pairs whose figures this write would change."""
        stored = getattr(self, "_stored", None)
        if deleting:
            values = stored or self.current_values()
            return self._pairs(values, self.span_years(values))
        current = self.current_values()
        if self.pk is None or stored is None:
            return self._pairs(current, self.span_years(current))
        changed = [
            name
            for name, value in current.items()
            if name in stored
            and name not in self._bookkeeping
            and name not in self.free_fields
            and stored[name] != value
        ]
        pairs: set[tuple[int, int]] = set()
        dates = set(self.dated_fields())
        if any(name not in dates for name in changed):
            pairs |= self._pairs(stored, self.span_years(stored))
            pairs |= self._pairs(current, self.span_years(current))
            return pairs
        for name in changed:
            years = self.date_change_years(name, stored[name], current[name])
            pairs |= self._pairs(current, years)
        return pairs

    def _pairs(self, values: dict, years) -> set[tuple[int, int]]:
        province_id = self.province_for(values)
        if province_id is None:
            return set()
        return {(province_id, year) for year in years}

    def refuse_if_locked(self, *, deleting: bool = False) -> None:
        """Raise ValidationError naming the approval when this write would change a submitted
        or approved year (plan_tracker.approvals.refuse_if_locked)."""
        from plan_tracker.approvals import nothing_locked, refuse_if_locked

        if nothing_locked():
            return
        refuse_if_locked(self.touched(deleting=deleting))


def years_between(first: datetime.date | None, last: datetime.date | None) -> set[int]:
    """The years from `first` (unknown: EARLIEST_YEAR) to `last` (none yet: today's year)."""
    start = first.year if first else EARLIEST_YEAR
    end = last.year if last else timezone.localdate().year
    return set(range(start, max(start, end) + 1))
