"""Writes on the records (the HackSoft habit): keyword-only, validated with full_clean(),
inside one transaction, and re-checked against the writer's scope after the write.

Views and imports call these; nothing else saves a record a user typed in.
"""

import datetime
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from localities.models import (
    Establishment,
    IdentityAccess,
    Inspection,
    Report,
    ReporterIdentity,
)
from localities.permissions import (
    CHANGE,
    IDENTITY,
    OutOfScope,
    can_see_identity,
    can_write,
    scope_of,
)

logger = logging.getLogger(__name__)

STAGES = ("verified_on", "classified_on", "handled_on")


def _require_writer(user):
    if not can_write(user):
        raise PermissionDenied(_("Your role can read these records but not change them."))


def _ensure_in_scope(user, record):
    """After the write, inside the transaction: the record must still be the user's."""
    if scope_of(user).national:
        return
    if not type(record).objects.restrict(user, CHANGE).filter(pk=record.pk).exists():
        raise OutOfScope(_("This record would be outside your area: nothing was saved."))


def record_save(*, user, record, expected_version: int | None = None):
    """Validate and save one record (new or edited) for `user`.

    `expected_version` is the version the user's form was loaded at: when someone else saved
    since, ConcurrentEditError is raised and nothing is written.
    """
    _require_writer(user)
    with transaction.atomic():
        record.full_clean()
        record.save_checked(expected_version=expected_version)
        _ensure_in_scope(user, record)
    logger.info(
        "%s saved %s %s (version %s)", user, record._meta.model_name, record.pk, record.version
    )
    return record


def establishment_save(*, user, establishment: Establishment, expected_version=None):
    return record_save(user=user, record=establishment, expected_version=expected_version)


def inspection_record(
    *,
    user,
    establishment: Establishment,
    inspected_on: datetime.date,
    team: str,
    outcome: str,
    violations: str = "",
    fine_vnd: int = 0,
    notes: str = "",
) -> Inspection:
    """Record a new inspection of an establishment of the user's area."""
    if not Establishment.objects.restrict(user, CHANGE).filter(pk=establishment.pk).exists():
        raise OutOfScope(_("This establishment is outside your area."))
    inspection = Inspection(
        establishment=establishment,
        inspected_on=inspected_on,
        team=team,
        outcome=outcome,
        violations=violations,
        fine_vnd=fine_vnd,
        notes=notes,
    )
    return record_save(user=user, record=inspection)


def report_record_stage(
    *,
    user,
    report: Report,
    stage: str,
    on: datetime.date,
    outcome: str = "",
    extended_until: datetime.date | None = None,
    extension_reason: str = "",
    expected_version: int | None,
) -> Report:
    """Record that `report` reached `stage` (verified_on, classified_on or handled_on) on `on`,
    with the decision when it is the handling, and an extension when one was decided."""
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}")
    if getattr(report, stage) is not None:
        raise ValidationError(
            {"stage": _("This stage is already recorded: edit the report to correct its date.")}
        )
    setattr(report, stage, on)
    if stage == "handled_on":
        report.outcome = outcome
    if extended_until:
        report.extended_until = extended_until
        report.extension_reason = extension_reason
    return record_save(user=user, record=report, expected_version=expected_version)


def reporter_identity_view(*, user, report: Report) -> ReporterIdentity | None:
    """The reporter's identity for an officer allowed to see it; the look is logged even when
    nothing has been recorded yet (the officer did open the page)."""
    _require_identity_right(user, report)
    IdentityAccess.objects.create(user=user, report=report, action=IdentityAccess.Action.VIEW)
    # Only who and which report: never the identity's content in a log line.
    logger.info("%s viewed the reporter's identity of report %s", user, report.pk)
    return ReporterIdentity.objects.filter(report=report).first()


def reporter_identity_save(
    *,
    user,
    report: Report,
    full_name: str = "",
    address: str = "",
    contact: str = "",
    handwriting: str = "",
) -> ReporterIdentity:
    _require_identity_right(user, report)
    with transaction.atomic():
        identity = ReporterIdentity.objects.filter(report=report).first() or ReporterIdentity(
            report=report
        )
        identity.full_name = full_name
        identity.address = address
        identity.contact = contact
        identity.handwriting = handwriting
        identity.full_clean()
        identity.save()
        IdentityAccess.objects.create(user=user, report=report, action=IdentityAccess.Action.EDIT)
    logger.info("%s edited the reporter's identity of report %s", user, report.pk)
    return identity


def _require_identity_right(user, report):
    if not can_see_identity(user):
        raise PermissionDenied(_("Your role may not see reporters' identities."))
    if not Report.objects.restrict(user, IDENTITY).filter(pk=report.pk).exists():
        raise OutOfScope(_("This report is outside your area."))
