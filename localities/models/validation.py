"""Shared checks whose messages say what is wrong and how to fix it."""

import contextlib
import contextvars

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

_today = contextvars.ContextVar("localities_today", default=None)


@contextlib.contextmanager
def one_day():
    """Inside the block, the checks take "today" to be the day the block began: an import
    checks all its rows against the same day, and reads the clock once instead of once a row."""
    token = _today.set(timezone.localdate())
    try:
        yield
    finally:
        _today.reset(token)


def today():
    """Today in the site's time zone (the day one_day() began, inside it)."""
    return _today.get() or timezone.localdate()


def add_error(errors: dict, field: str, message: str, code: str):
    """One more error on `field`, in the {field: [errors]} that raise_if() raises."""
    errors.setdefault(field, []).append(ValidationError(message, code=code))


def not_in_future(errors: dict, field: str, value, label: str):
    if value and value > today():
        errors.setdefault(field, []).append(
            ValidationError(
                _("%(label)s (%(date)s) is in the future: enter a date on or before today.")
                % {"label": label, "date": date_format(value, "SHORT_DATE_FORMAT")},
                code="future_date",
            )
        )


def not_before(errors: dict, field: str, value, earlier, label: str, earlier_label: str):
    if value and earlier and value < earlier:
        errors.setdefault(field, []).append(
            ValidationError(
                _(
                    "%(label)s (%(date)s) is before %(earlier_label)s (%(earlier)s): "
                    "enter a date on or after %(earlier)s."
                )
                % {
                    "label": label,
                    "date": date_format(value, "SHORT_DATE_FORMAT"),
                    "earlier_label": earlier_label,
                    "earlier": date_format(earlier, "SHORT_DATE_FORMAT"),
                },
                code="date_order",
            )
        )


def raise_if(errors: dict):
    if errors:
        raise ValidationError(errors)


def field_errors(fields, values: dict) -> dict:
    """Each of `fields` checked on its value in `values` (by attname) as a record's
    clean_fields() checks it, with the same messages, without a record: {field: [errors]}.
    A value the field's clean() converts is replaced in `values`."""
    errors: dict = {}
    for field in fields:
        raw = values[field.attname] if field.attname in values else field.get_default()
        if field.blank and raw in field.empty_values:
            continue
        try:
            values[field.attname] = field.clean(raw, None)
        except ValidationError as error:
            errors[field.name] = error.error_list
    return errors
