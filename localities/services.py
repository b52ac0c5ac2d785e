"""Writes on the records (the HackSoft habit): keyword-only, validated with full_clean(),
inside one transaction, and re-checked against the writer's scope after the write.

Views and imports call these; nothing else saves a record a user typed in. One record goes
through its model's save(); many at once (an import) through records_save_bulk(), which does
what save() and simple_history's signal do, for a batch of records in a few statements.
"""

import datetime
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models, transaction
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from localities.copy import copy_supported, insert_by_copy, insert_values_by_copy
from localities.models import (
    ConcurrentEditError,
    Establishment,
    IdentityAccess,
    Inspection,
    Report,
    ReporterIdentity,
    ReportExtension,
)
from localities.models.reports import STAGES
from localities.permissions import (
    CHANGE,
    OutOfScope,
    can_see_identity,
    can_write,
    scope_of,
)

logger = logging.getLogger(__name__)

# Records a bulk statement writes at the most (an INSERT, an UPDATE, a history copy).
BULK_BATCH = 1000
# The fields of a history row besides the record's own: those django-simple-history adds.
HISTORY_FIELDS = {
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user",
}


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


def record_delete(*, user, record, expected_version: int | None = None):
    """Delete one record for `user`: within their area (else OutOfScope), refused when someone
    saved it since `expected_version` was read (ConcurrentEditError) or when its year is
    submitted or approved (ValidationError naming the approval)."""
    _require_writer(user)
    model = type(record)
    with transaction.atomic():
        if not scope_of(user).national and (
            not model.objects.restrict(user, CHANGE).filter(pk=record.pk).exists()
        ):
            raise OutOfScope(_("This record is outside your area: nothing was deleted."))
        if expected_version is not None:
            bumped = model._base_manager.filter(pk=record.pk, version=expected_version).update(
                version=models.F("version") + 1
            )
            if not bumped:
                raise ConcurrentEditError()
        record.refuse_if_locked(deleting=True)
        pk = record.pk
        record.delete()
    logger.info("%s deleted %s %s", user, model._meta.model_name, pk)


def records_save_bulk(
    *, user, model, new: list, changed: list, fields: list[str], change_reason: str
) -> None:
    """Insert `new` and update `changed`, records of `model` that the caller has validated one
    by one (an import does, to name the line of each error): on PostgreSQL the new ones by one
    COPY (localities.copy.insert_by_copy), elsewhere BULK_BATCH records a statement.

    What save() and simple_history do for one record is done here for all: the derived fields
    (set_derived_fields: the province, a report's deadline); for a changed record the next
    version (bump_version) and `fields`, the ones the caller may have changed, written back;
    one history row each, by `user`, with `change_reason`. Then, inside the transaction,
    every record written must be in `user`'s area, or OutOfScope undoes the whole
    transaction: the caller's too, as this opens no savepoint of its own. Nothing is logged:
    the history rows say who wrote what (no one, for the server operator).

    The history rows are copied from the records just written by one INSERT ... SELECT (a
    batch of BULK_BATCH records, or all of them on PostgreSQL, whose keys go as one array),
    which also tells how many of them are in the user's area: the re-check costs no statement
    of its own. A model whose history table has more than the tracked fields gets
    simple_history's own bulk helpers instead, and a count a batch for the re-check.
    """
    _require_writer(user)
    if not new and not changed:
        return
    # A national writer's records are all in its area: nothing to re-check.
    within = None if scope_of(user).national else model.objects.restrict(user, CHANGE)
    account = user if user.pk is not None else None  # the server operator is no account
    by_copy = _history_by_copy(model)
    helpers = {
        "batch_size": BULK_BATCH,
        "default_user": account,
        "default_change_reason": change_reason,
    }
    with transaction.atomic(savepoint=False):
        now = timezone.now()
        for record in new:
            record.set_derived_fields()
        for record in changed:
            record.set_derived_fields()
            record.bump_version(now)
        written = [*fields, *model.derived_fields, *model.version_fields]
        if new and by_copy and copy_supported(model):
            insert_by_copy(model, new)
        elif new and by_copy:
            model._default_manager.bulk_create(new, batch_size=BULK_BATCH)
        elif new:
            bulk_create_with_history(new, model, **helpers)
        if changed and by_copy:
            model._default_manager.bulk_update(changed, written, batch_size=BULK_BATCH)
        elif changed:
            bulk_update_with_history(changed, model, written, **helpers)
        copy = by_copy and getattr(settings, "SIMPLE_HISTORY_ENABLED", True)
        for records, history_type in ((new, "+"), (changed, "~")):
            _history_and_scope(
                account=account,
                model=model,
                within=within,
                pks=[record.pk for record in records],
                history_type=history_type,
                change_reason=change_reason,
                copy=copy,
            )


def records_insert_values(*, user, model, rows: list[dict], change_reason: str) -> list[int]:
    """Insert new records of `model` given as plain values ({attname: value}) that the caller
    has validated (an import, by the model's rules on plain values): what records_save_bulk()
    writes for the same records, the history rows and the re-check of the writer's area
    included, without a record each when the model allows it (no derived field, COPY and the
    history copied here: PostgreSQL); otherwise the records are made and go through
    records_save_bulk(). Returns their primary keys, in the order of `rows`."""
    _require_writer(user)
    if not rows:
        return []
    if model.derived_fields or not (_history_by_copy(model) and copy_supported(model)):
        records = [model(**row) for row in rows]
        records_save_bulk(
            user=user, model=model, new=records, changed=[], fields=[], change_reason=change_reason
        )
        return [record.pk for record in records]
    within = None if scope_of(user).national else model.objects.restrict(user, CHANGE)
    account = user if user.pk is not None else None
    with transaction.atomic(savepoint=False):
        pks = insert_values_by_copy(model, rows)
        _history_and_scope(
            account=account,
            model=model,
            within=within,
            pks=pks,
            history_type="+",
            change_reason=change_reason,
            copy=getattr(settings, "SIMPLE_HISTORY_ENABLED", True),
        )
    return pks


def _history_and_scope(*, account, model, within, pks, history_type, change_reason, copy):
    """The history rows of the records `pks` when they are copied here (`copy`), and the
    re-check that each is `within` the writer's records (None: nothing to check), a batch at a
    time."""
    if not pks or (within is None and not copy):
        return
    fixed = {}
    if copy:
        fixed = {
            "history_date": timezone.now(),
            "history_change_reason": change_reason,
            "history_type": history_type,
            "history_user": account.pk if account is not None else None,
        }
    # PostgreSQL takes the keys as one array parameter: one statement for any number of them.
    batch = len(pks) if connection.vendor == "postgresql" else BULK_BATCH
    for start in range(0, len(pks), batch):
        some = pks[start : start + batch]
        if copy:
            found = _copy_history(model, some, fixed, within=within)
        else:
            found = within.filter(pk__in=some).count()
        if found != len(some):
            raise OutOfScope(_("A record would be outside your area: nothing was saved."))


def _copy_history(model, pks: list, fixed: dict, *, within: models.QuerySet | None) -> int:
    """Insert the history rows of the records `pks` as they are now, with the `fixed` history
    fields (the rows simple_history's bulk helpers would write, without building a historical
    instance per record), in the order of their primary keys, by one INSERT ... SELECT.

    Returns how many of them are `within` the given records (all of them when it is None),
    found by the same statement: its RETURNING looks each copied record up among them by its
    primary key. A scalar subquery, run row by row, so that the look-up costs an index probe or
    two a row however large the area; as EXISTS or IN, PostgreSQL may instead read every
    record of the area once a batch."""
    history = model.history.model
    source, target = model._meta, history._meta
    quote = connection.ops.quote_name
    columns = [target.get_field(f.name).column for f in history.tracked_fields]
    columns += [target.get_field(name).column for name in fixed]
    values = [quote(source.get_field(f.name).column) for f in history.tracked_fields]
    params = [
        target.get_field(name).get_db_prep_save(value, connection) for name, value in fixed.items()
    ]
    pk = quote(source.pk.column)
    if connection.vendor == "postgresql":
        among, pk_params = f"= ANY(%s::{source.pk.db_type(connection)}[])", [pks]
    else:
        among, pk_params = f"IN ({', '.join(['%s'] * len(pks))})", pks
    sql = (
        f"INSERT INTO {quote(target.db_table)} ({', '.join(quote(c) for c in columns)}) "
        f"SELECT {', '.join(values)}, {', '.join(['%s'] * len(params))} "
        f"FROM {quote(source.db_table)} "
        f"WHERE {pk} {among} ORDER BY {pk}"
    )
    params += pk_params
    if within is not None:
        copied = RawSQL(
            f"{quote(target.db_table)}.{quote(target.get_field(source.pk.name).column)}",
            (),
            output_field=source.pk,
        )
        found, found_params = (
            within.filter(pk=copied).order_by().values("pk").query.sql_with_params()
        )
        sql += f" RETURNING ({found})"
        params += found_params
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if within is None:
            return cursor.rowcount
        return sum(1 for (found_pk,) in cursor.fetchall() if found_pk is not None)


def _history_by_copy(model) -> bool:
    """Whether records_save_bulk copies the model's history rows itself: the new records'
    primary keys come back from a bulk insert, the history table numbers its own rows, and it
    has no field but the tracked ones and simple_history's usual five. Otherwise
    simple_history's own bulk helpers write them."""
    history = model.history.model
    names = {f.name for f in history._meta.concrete_fields}
    return (
        connection.features.can_return_rows_from_bulk_insert
        and isinstance(history._meta.pk, models.AutoField)
        and names == {f.name for f in history.tracked_fields} | HISTORY_FIELDS
    )


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
    extension: dict | None = None,
    expected_version: int | None,
) -> Report:
    """Record that `report` reached `stage` (verified_on, classified_on or handled_on) on `on`,
    with the decision when it is the handling, and an extension when one was decided
    (`extension`: the keyword arguments of report_extend)."""
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}")
    if getattr(report, stage) is not None:
        raise ValidationError(
            {"stage": _("This stage is already recorded: edit the report to correct its date.")}
        )
    setattr(report, stage, on)
    if stage == "handled_on":
        report.outcome = outcome
    if extension:
        report_extend(user=user, report=report, expected_version=expected_version, **extension)
        return report
    return record_save(user=user, record=report, expected_version=expected_version)


# The report's copy of its latest extension, which the extension service writes.
EXTENSION_FIELDS = [
    "extended_until",
    "extension_decided_on",
    "extension_decision_no",
    "extension_decided_by",
    "extension_reason",
    "extension_counted_from",
]
TEXT_EXTENSION_FIELDS = {"extension_decision_no", "extension_decided_by", "extension_reason"}


def report_extend(
    *,
    user,
    report: Report,
    extended_until: datetime.date,
    decided_on: datetime.date | None,
    decision_no: str,
    decided_by: str = "",
    reason: str = "",
    expected_version: int | None = None,
) -> ReportExtension:
    """Record the next extension decision of one report (a form's), saving the report with it
    (with any other change the form made to it) as one new version."""
    extension = ReportExtension(
        report=report,
        extended_until=extended_until,
        decided_on=decided_on,
        decision_no=decision_no,
        decided_by=decided_by,
        reason=reason,
    )
    report_extensions_record(user=user, extensions=[extension], expected_version=expected_version)
    return extension


def report_extensions_record(
    *,
    user,
    extensions: list[ReportExtension],
    expected_version: int | None = None,
    reports_written: bool = False,
) -> None:
    """Every write of an extension decision goes through here (forms and imports alike): each
    is the next one of its report (at most one a report per call), validated by its model
    (decided on or before the deadline it extends, within the legal maximum), written with
    its history row, and copied onto its report as the deadline now in force (the report's
    version bumped, a history row of the report by `user`).

    `expected_version` (one extension only): the version the user's form read the report at.
    `reports_written`: the caller (an import) has just written the reports, with the extension
    already copied onto them by Report.apply_extension, in this transaction: only the
    decisions are written here.
    """
    _require_writer(user)
    if not extensions:
        return
    reports = [extension.report for extension in extensions]
    if len({report.pk for report in reports}) != len(reports):
        raise ValueError("one extension a report per call")
    with transaction.atomic():
        latest: dict = {}
        for existing in ReportExtension.objects.filter(report__in=reports).order_by("sequence"):
            latest[existing.report_id] = existing
        for extension in extensions:
            previous = latest.get(extension.report.pk)
            extension.previous = previous
            extension.sequence = previous.sequence + 1 if previous else 1
            extension.full_clean(exclude=["report", "counted_from"], validate_unique=False)
            extension.report.apply_extension(extension)
        if len(extensions) == 1 and not reports_written:
            (extension,) = extensions
            # A new version of the report, also when the caller read no version of its own.
            if expected_version is None:
                expected_version = extension.report.version
            extension.report = record_save(
                user=user, record=extension.report, expected_version=expected_version
            )
            extension._history_user = user if user.pk is not None else None
            extension.save()
            logger.info(
                "%s recorded extension %s of report %s",
                user,
                extension.sequence,
                extension.report.pk,
            )
            return
        if not reports_written:
            records_save_bulk(
                user=user,
                model=Report,
                new=[],
                changed=reports,
                fields=EXTENSION_FIELDS,
                change_reason="extension",
            )
        for extension in extensions:
            extension.report_id = extension.report.pk
            extension.set_derived_fields()
        bulk_create_with_history(
            extensions,
            ReportExtension,
            batch_size=BULK_BATCH,
            default_user=user if user.pk is not None else None,
        )


def latest_extension(report: Report) -> ReportExtension | None:
    """The report's latest extension decision: the only one that may be corrected or deleted
    (an earlier one is what the later ones extend)."""
    return report.extensions.order_by("-sequence").first()


def report_extension_correct(
    *,
    user,
    extension: ReportExtension,
    extended_until: datetime.date,
    decided_on: datetime.date | None,
    decision_no: str,
    decided_by: str = "",
    reason: str = "",
    expected_version: int | None,
) -> ReportExtension:
    """Correct the report's latest extension decision entered wrongly: validated as a new one
    (ReportExtension.clean: decided on or before the deadline it extends, within the legal
    maximum), copied onto the report as the deadline in force, one new version of the report
    (`expected_version`: the version the user's form read it at) and a history row of each.
    The report's own checks refuse it in a submitted or approved year (of the decision as
    entered or as corrected, of the receipt or the handling)."""
    _require_writer(user)
    report = extension.report
    with transaction.atomic():
        if latest_extension(report) != extension:
            raise ValidationError(
                _(
                    "Only the latest extension can be corrected: correct or delete the later "
                    "ones first."
                )
            )
        extension.previous = (
            report.extensions.filter(sequence__lt=extension.sequence).order_by("-sequence").first()
        )
        extension.extended_until = extended_until
        extension.decided_on = decided_on
        extension.decision_no = decision_no
        extension.decided_by = decided_by
        extension.reason = reason
        extension.full_clean(exclude=["report", "counted_from"], validate_unique=False)
        extension.set_derived_fields()
        report.apply_extension(extension)
        extension.report = record_save(user=user, record=report, expected_version=expected_version)
        extension._history_user = user if user.pk is not None else None
        extension._change_reason = "correction"
        extension.save()
    logger.info("%s corrected extension %s of report %s", user, extension.sequence, report.pk)
    return extension


def report_extension_delete(
    *, user, extension: ReportExtension, expected_version: int | None
) -> Report:
    """Delete the report's latest extension decision (entered for a report that had none, or
    twice): the previous one, or the base time limit, is the deadline in force again; one new
    version of the report, and the deletion kept in the extension's history. Refused like a
    correction in a submitted or approved year."""
    _require_writer(user)
    report = extension.report
    with transaction.atomic():
        if latest_extension(report) != extension:
            raise ValidationError(
                _("Only the latest extension can be deleted: delete the later ones first.")
            )
        previous = (
            report.extensions.filter(sequence__lt=extension.sequence).order_by("-sequence").first()
        )
        if previous is not None:
            report.apply_extension(previous)
        else:
            for name in EXTENSION_FIELDS:
                setattr(report, name, "" if name in TEXT_EXTENSION_FIELDS else None)
        report = record_save(user=user, record=report, expected_version=expected_version)
        extension._history_user = user if user.pk is not None else None
        extension._change_reason = "deletion"
        extension.delete()
    logger.info("%s deleted extension %s of report %s", user, extension.sequence, report.pk)
    return report


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
    expected_version: int | None,
) -> ReporterIdentity:
    """Record or change the reporter's identity. `expected_version` is the version the form was
    loaded at, None if no identity was recorded then: when someone else has saved one since,
    ConcurrentEditError is raised and nothing is written (nor logged as an edit)."""
    _require_identity_right(user, report)
    with transaction.atomic():
        identity = ReporterIdentity.objects.filter(report=report).first()
        if identity is None:
            identity = ReporterIdentity(report=report)
        elif expected_version is None:
            # Loaded when there was none; someone has recorded one since.
            raise ConcurrentEditError()
        identity.full_name = full_name
        identity.address = address
        identity.contact = contact
        identity.handwriting = handwriting
        identity.full_clean()
        identity.save_checked(expected_version=expected_version)
        IdentityAccess.objects.create(user=user, report=report, action=IdentityAccess.Action.EDIT)
    logger.info("%s edited the reporter's identity of report %s", user, report.pk)
    return identity


def reporter_identity_refused(*, user, report_id: int) -> None:
    """Log a refused look at a reporter's identity: who and which report, as for a look (the
    refusal reveals nothing of the identity). No row for a report that does not exist."""
    if Report.objects.filter(pk=report_id).exists():
        IdentityAccess.objects.create(
            user=user, report_id=report_id, action=IdentityAccess.Action.REFUSED
        )
    logger.warning("%s was refused the reporter's identity of report %s", user, report_id)


def identity_report(*, user, pk) -> Report:
    """The report whose reporter's identity `user` may open, or its refusal, logged first:
    OutOfScope (answered 404, as for a report that does not exist) outside the user's area,
    PermissionDenied for a role that may not see identities."""
    report = Report.objects.restrict(user).select_related("kind", "locality").filter(pk=pk).first()
    if report is None:
        reporter_identity_refused(user=user, report_id=pk)
        raise OutOfScope(_("This report is outside your area."))
    if not can_see_identity(user):
        reporter_identity_refused(user=user, report_id=report.pk)
        raise PermissionDenied(_("Your role may not see reporters' identities."))
    return report


def _require_identity_right(user, report):
    identity_report(user=user, pk=report.pk)
