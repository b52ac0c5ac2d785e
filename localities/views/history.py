"""A record's history from django-simple-history: who changed which field, from what to what."""

from dataclasses import dataclass, field

from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from localities.models import Locality, ReportKind
from localities.models.access import person_name

# Derived or bookkeeping fields that would only repeat what the user did.
HIDDEN = {"id", "version", "province", "created_at", "updated_at"}


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class Entry:
    when: object
    who: str
    kind: str  # "+" created, "~" changed, "-" deleted
    changes: list[Change] = field(default_factory=list)

    @property
    def action(self) -> str:
        return {
            "+": pgettext("history", "created"),
            "~": pgettext("history", "changed"),
            "-": pgettext("history", "deleted"),
        }[self.kind]


# Fields that are not typed in but belong in a record's history: a report's deadline and its
# latest extension decision (written by the extension service).
SHOWN_DERIVED = {
    "deadline",
    "extended_until",
    "extension_decided_on",
    "extension_decision_no",
    "extension_decided_by",
    "extension_reason",
}


def _fields(model):
    result = []
    for f in model._meta.concrete_fields:
        if f.name in HIDDEN:
            continue
        if f.editable or f.name in SHOWN_DERIVED:
            result.append(f)
    return result


def _related_labels(model_field, values) -> dict:
    """One query per foreign key field for every value shown in the history."""
    ids = {v for v in values if v not in (None, "")}
    if not ids:
        return {}
    target = model_field.related_model
    key = model_field.target_field.attname
    if target is Locality:
        rows = Locality.objects.filter(pk__in=ids)
    elif target is ReportKind:
        rows = ReportKind.objects.filter(code__in=ids)
    else:
        rows = target._base_manager.filter(**{f"{key}__in": ids})
    return {getattr(row, key): str(row) for row in rows}


def shown_value(model_field, value, related: dict) -> str:
    if value in (None, ""):
        return "—"
    if isinstance(model_field, models.ForeignKey):
        return related.get(value, str(value))
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return _("yes") if value else _("no")
    if isinstance(model_field, models.DateField):
        return date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


def history_of(instance) -> list[Entry]:
    """Newest first. Two queries: the history rows, then the labels of related records."""
    records = list(
        instance.history.select_related("history_user").order_by("history_date", "history_id")
    )
    fields = _fields(type(instance))
    pairs = []
    previous = None
    for record in records:
        changed = []
        if previous is not None and record.history_type == "~":
            # Like simple_history's diff_against(), but also over the stored deadline, which
            # is not editable (model_to_dict, which diff_against uses, skips such fields).
            changed = [
                (f.name, getattr(previous, f.attname), getattr(record, f.attname))
                for f in fields
                if getattr(previous, f.attname) != getattr(record, f.attname)
            ]
        pairs.append((record, changed))
        previous = record
    by_name = {f.name: f for f in fields}
    related = {}
    for f in fields:
        if isinstance(f, models.ForeignKey):
            values = [
                v for _r, ch in pairs for name, old, new in ch if name == f.name for v in (old, new)
            ]
            related[f.name] = _related_labels(f, values)
    entries = []
    for record, changed in pairs:
        user = record.history_user
        who = person_name(user) if user else _("the system")
        changes = [
            Change(
                label=str(by_name[name].verbose_name),
                old=shown_value(by_name[name], old, related.get(name, {})),
                new=shown_value(by_name[name], new, related.get(name, {})),
            )
            for name, old, new in sorted(changed, key=lambda c: list(by_name).index(c[0]))
        ]
        entries.append(
            Entry(when=record.history_date, who=who, kind=record.history_type, changes=changes)
        )
    entries.reverse()
    return entries
