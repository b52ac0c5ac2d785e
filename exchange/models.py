"""API tokens for machine clients, and the log of every export."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX = "pt_"


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

    @classmethod
    def issue(cls, *, user, name: str) -> tuple["ApiToken", str]:
        """A new token and its raw value (the only time the raw value exists)."""
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, name=name, token_hash=hash_token(raw), prefix=raw[:10]
        )
        return token, raw

    @classmethod
    def authenticate(cls, raw: str):
        """The user a raw token belongs to, or None (unknown, revoked, or inactive user)."""
        if not raw:
            return None
        token = (
            cls.objects.active().select_related("user").filter(token_hash=hash_token(raw)).first()
        )
        if token is None:
            return None
        now = timezone.now()
        # Written at most once a minute, so a busy client does not write on every call.
        if token.last_used is None or (now - token.last_used).total_seconds() > 60:
            cls.objects.filter(pk=token.pk).update(last_used=now)
        return token.user

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
    def filters_text(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in self.filters.items() if v not in (None, ""))


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
