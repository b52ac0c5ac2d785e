"""API tokens for machine clients, the log of every export, import jobs and what imports wrote."""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from localities.models.access import person_name

TOKEN_PREFIX = "pt_"
# A token works until the end of its expiry day: by default 90 days after it is created, at
# most a year. A forgotten token then stops by itself.
TOKEN_DEFAULT_DAYS = 90
TOKEN_MAX_DAYS = 365


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class ApiToken(models.Model):
    """A per-user token for the read-only API. Only its SHA-256 is stored: the raw token is
    shown once, when it is created, and cannot be read back (a lost token is revoked and
    replaced)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The first characters, so the owner can tell tokens apart without the secret.
    prefix = models.CharField(_("starts with"), max_length=12, editable=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    # The last day the token works.
    expires_on = models.DateField(_("valid until"))
    # A token limited to a province answers with that province's records only, and only within
    # its owner's area: it narrows the owner's scope, never widens it
    # (localities.permissions.narrow_scope). Deleting the province deletes its tokens: a token
    # is never silently widened to its owner's whole area.
    province = models.ForeignKey(
        "localities.Locality",
        verbose_name=_("limited to province"),
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    def expired(self, today: datetime.date | None = None) -> bool:
        return (today or timezone.localdate()) > self.expires_on

    @staticmethod
    def default_expiry(today: datetime.date | None = None) -> datetime.date:
        return (today or timezone.localdate()) + datetime.timedelta(days=TOKEN_DEFAULT_DAYS)

    @staticmethod
    def latest_expiry(today: datetime.date | None = None) -> datetime.date:
        return (today or timezone.localdate()) + datetime.timedelta(days=TOKEN_MAX_DAYS)

    @classmethod
    def issue(
        cls, *, user, name: str, expires_on: datetime.date | None = None, province=None
    ) -> tuple["ApiToken", str]:
        """A new token and its raw value (the only time the raw value exists)."""
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name,
            token_hash=hash_token(raw),
            prefix=raw[:10],
            expires_on=expires_on or cls.default_expiry(),
            province=province,
        )
        return token, raw

    @classmethod
    def find(cls, raw: str) -> "ApiToken | None":
        """The token of a raw value, expired or not; None when unknown, revoked, or its user
        is inactive."""
        if not raw:
            return None
        return (
            cls.objects.active().select_related("user").filter(token_hash=hash_token(raw)).first()
        )

    def caller(self):
        """The token's user as the API serves them: their scope narrowed to the token's
        province, if it has one. Notes the use (at most once a minute, so a busy client does
        not write on every call)."""
        from localities.permissions import narrow_scope

        now = timezone.now()
        if self.last_used is None or (now - self.last_used).total_seconds() > 60:
            type(self).objects.filter(pk=self.pk).update(last_used=now)
        user = self.user
        if self.province_id is not None:
            narrow_scope(user, province_id=self.province_id)
        return user

    def revoke(self):
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])


class ExportLog(models.Model):
    """Who exported what, when, with which filters (never the exported data itself)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="export_logs"
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)
    what = models.CharField(_("what"), max_length=60)
    file_format = models.CharField(_("format"), max_length=10)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    # Rows actually sent; empty while a streamed export is still running or was cut short.
    row_count = models.PositiveIntegerField(_("rows"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("export log")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["user", "at"])]

    def __str__(self):
        return f"{self.user} {self.what} {self.file_format} {self.at:%d/%m/%Y %H:%M}"

    @property
    def author(self) -> str:
        return person_name(self.user)

    def description(self) -> str:
        """The export in words, e.g. "Printed report (HTML) · Plan 2021–2025 · year 2025 ·
        Thành phố Hà Nội": what, its format, then the selection or the filters it was made
        with (never the exported data)."""
        parts = [
            gettext("%(what)s (%(format)s)")
            % {"what": self.what_label(), "format": self.file_format.upper()}
        ]
        if self.what in self.SELECTION_EXPORTS:
            parts += self._selection_words()
        else:
            parts += self._filter_words()
        return " · ".join(str(part) for part in parts)

    # Exports read through plan_tracker.selection; the others are raw records of a kind.
    SELECTION_EXPORTS = {
        "compliance": _("Compliance table"),
        "report": _("Printed report"),
        "review": _("Final review of the plan"),
    }

    def what_label(self) -> str:
        from exchange.kinds import KINDS

        if self.what in self.SELECTION_EXPORTS:
            return str(self.SELECTION_EXPORTS[self.what])
        if self.what in KINDS:
            return gettext("Raw data: %(kind)s") % {"kind": KINDS[self.what].label}
        return self.what

    @classmethod
    def with_descriptions_ready(cls, entries) -> list:
        """`entries` whose descriptions read their plans and localities from two queries for
        all of them, not two for each (the exports page lists twenty)."""
        from localities.models import Locality
        from plan_tracker.models import Plan

        entries = list(entries)
        plan_ids = {e.filters.get("plan") for e in entries if e.filters.get("plan")}
        codes = {e.filters.get("locality") for e in entries if e.filters.get("locality")}
        plans = {p.pk: p for p in Plan.objects.filter(pk__in=plan_ids)}
        # Logged as written in a text field (Locality.qualified_code), as resolve() reads it.
        bare = {code.split(":")[-1] for code in codes}
        places = {place.qualified_code: place for place in Locality.objects.filter(code__in=bare)}
        known = {"plans": plans, "places": places}
        for entry in entries:
            entry._known = known
        return entries

    def _selection_words(self) -> list:
        from localities.codes import resolve
        from localities.models import Level, Locality
        from plan_tracker.models import Plan

        chosen = self.filters
        words = []
        known = getattr(self, "_known", None)
        if known is not None:
            plan = known["plans"].get(chosen.get("plan"))
        else:
            plan = (
                Plan.objects.filter(pk=chosen.get("plan")).first() if chosen.get("plan") else None
            )
        if plan is not None:
            words.append(
                gettext("Plan %(first)s–%(last)s")
                % {"first": plan.first_year, "last": plan.last_year}
            )
        if chosen.get("year"):
            words.append(gettext("year %(year)s") % {"year": chosen["year"]})
        as_of = _day(chosen.get("as_of"))
        if as_of is not None and as_of != timezone.localdate(self.at):
            words.append(
                gettext("as of %(day)s") % {"day": date_format(as_of, "SHORT_DATE_FORMAT")}
            )
        place = None
        if chosen.get("locality"):
            if known is not None:
                place = known["places"].get(chosen["locality"])
            else:
                try:
                    place = resolve(chosen["locality"], within=Locality.objects.all()).locality
                except ValidationError:  # a locality since removed: its code still says which
                    place = None
            words.append(place.name if place is not None else chosen["locality"])
        else:
            words.append(gettext("the whole nation"))
        level = chosen.get("level")
        usual = Level.COMMUNE if chosen.get("locality") else Level.PROVINCE
        if level and level != usual and level in Level.values:
            words.append(gettext("rows: %(level)s") % {"level": Level(level).label.lower()})
        return words

    def _filter_words(self) -> list:
        from exchange.kinds import KINDS

        kind = KINDS.get(self.what)
        filters = kind.filterset.base_filters if kind is not None else {}
        words = []
        for name, value in self.filters.items():
            if value in (None, "", []):
                continue
            flt = filters.get(name)
            label = str(flt.label) if flt is not None and flt.label else name
            values = value if isinstance(value, list) else [value]
            shown = [_filter_value(flt, v) for v in values]
            words.append(f"{label}: {', '.join(shown)}")
        return words


def _day(text):
    try:
        return datetime.date.fromisoformat(text) if text else None
    except (TypeError, ValueError):
        return None


def _filter_value(flt, value) -> str:
    """A filter's value in words: the choice's label, or the chosen record's name."""
    queryset = getattr(flt, "queryset", None) if flt is not None else None
    if queryset is not None:
        record = (
            queryset.model._default_manager.filter(pk=value).first()
            if str(value).isdigit()
            else None
        )
        if record is not None:
            return getattr(record, "name", None) or str(record)
    choices = getattr(flt, "extra", {}).get("choices") if flt is not None else None
    choices = dict((choices() if callable(choices) else choices) or [])
    label = choices.get(value) or choices.get(str(value))
    return str(label) if label else str(value)


class ImportJob(models.Model):
    """A large file's check and import, run as tasks of the task queue (exchange/jobs.py).

    Files up to settings.IMPORT_INLINE_MAX_ROWS rows are checked and imported inside the
    request and have no job. A job belongs to the officer who uploaded it: nobody else sees it.
    This row is the job's truth for every process and machine: its state, progress and
    heartbeat are written here while it runs; a running job whose heartbeat stops (its worker
    was stopped or killed) is shown as interrupted and can be run again — the import is one
    transaction, so nothing half-imported exists.
    """

    class State(models.TextChoices):
        WAITING = "waiting", _("waiting")
        CHECKING = "checking", _("checking")
        CHECKED = "checked", _("checked")
        IMPORTING = "importing", _("importing")
        IMPORTED = "imported", _("imported")
        FAILED = "failed", _("failed")
        CANCELLED = "cancelled", _("cancelled")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs"
    )
    kind = models.CharField(_("what the file holds"), max_length=20)
    file_format = models.CharField(_("format"), max_length=4)
    file_name = models.CharField(_("file"), max_length=255)
    # The upload's key; the file is kept in default_storage under `stored_file`
    # (imports/<file_key>.<file_format>, exchange/jobs.py).
    file_key = models.CharField(max_length=32, unique=True, editable=False)
    stored_file = models.CharField(max_length=255, blank=True, editable=False)
    # The task queue's id of the current run's task (to tell a task still waiting in the
    # queue from one that was lost).
    task_id = models.CharField(max_length=64, blank=True, editable=False)
    # The uploader's language when the job was made: the errors are written in it.
    language = models.CharField(max_length=10, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.WAITING)
    # Each run (check, import, run again) gets its own number; a run that is no longer the
    # job's current one writes nothing.
    attempt = models.PositiveIntegerField(default=1, editable=False)
    rows_total = models.PositiveIntegerField(_("rows in the file"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    # The result of the last check (or of the import), as the preview shows it.
    total = models.PositiveIntegerField(_("rows read"), default=0)
    new_count = models.PositiveIntegerField(_("new"), default=0)
    changed_count = models.PositiveIntegerField(_("changed"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    # [[line, column, message], ...]: the first MAX_ERRORS_LISTED errors, like ImportResult;
    # error_count - len(errors) more are not listed.
    errors = models.JSONField(default=list, blank=True)
    # [[line, record, [columns]], ...]: the records an import will change (capped likewise).
    changes = models.JSONField(default=list, blank=True)
    # The file's first rows as the preview shows them (exchange.imports.engine.PreviewRow):
    # [{"line", "key", "status", "changes": [[column, label, old, new], ...]}, ...].
    preview = models.JSONField(default=list, blank=True)
    # What the import wrote, once it is done: the list of exactly its records links to it.
    batch = models.ForeignKey(
        "ImportBatch", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The whole file was refused (header, format, encoding): failure says why.
    refused = models.BooleanField(default=False)
    # The check made at confirm found errors the preview had not: nothing was imported.
    recheck_failed = models.BooleanField(default=False)
    failure = models.TextField(_("failure"), blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("check started"), null=True, blank=True)
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    heartbeat = models.DateTimeField(_("last sign of work"), null=True, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["user", "created"])]

    def __str__(self):
        return f"{self.file_name} ({self.kind}, {self.state})"

    RUNNING = (State.WAITING, State.CHECKING, State.IMPORTING)

    @property
    def running(self) -> bool:
        return self.state in self.RUNNING


class ImportBatch(models.Model):
    """One import that wrote records (a page's, a job's or the command's): whose it was and
    which records it created or changed (ImportedRecord), for the list of exactly those.

    Written in the import's own transaction: an import rolled back leaves no batch. Only its
    importer may list it (localities.filters, the `import` filter); the records listed are
    still those of the importer's area, as every list's are. Kept as long as the import jobs
    (exchange.jobs.JOB_KEEP_DAYS).
    """

    # None for the server operator (manage.py import_records without --user).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="import_batches",
    )
    # The records' model, as app_label.model_name (the lists of localities match it).
    model = models.CharField(max_length=100)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created", "-pk"]

    def __str__(self):
        return f"{self.model} {self.pk}"


class ImportedRecord(models.Model):
    """A record (of the batch's kind) that the import created or changed."""

    # No index of its own: the unique constraint's index, which starts with the batch, serves
    # every look-up by batch, and a large import writes one index fewer for each record.
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.CASCADE, related_name="records", db_index=False
    )
    record_id = models.BigIntegerField()
    created = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["batch", "record_id"], name="imported_record_once")
        ]

    def __str__(self):
        return f"{self.batch_id}: {self.record_id}"
