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
