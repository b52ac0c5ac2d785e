"""Optimistic locking: two people editing one record, the second save is refused."""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _


class ConcurrentEditError(ValidationError):
    def __init__(self):
        super().__init__(
            _(
                "Someone else saved this record while you were editing it. Nothing of yours "
                "was saved: open the record again to see their changes, then make yours."
            ),
            code="concurrent_edit",
        )


class VersionedModel(models.Model):
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def save_checked(self, *, expected_version: int | None, **kwargs):
        """Save, but only if nobody has saved since `expected_version` was read.

        The version is bumped in the same UPDATE that checks it, so two concurrent
        saves cannot both pass.
        """
        if self.pk is None or expected_version is None:
            return self.save(**kwargs)
        with transaction.atomic():
            bumped = (
                type(self)
                ._base_manager.filter(pk=self.pk, version=expected_version)
                .update(version=F("version") + 1)
            )
            if not bumped:
                raise ConcurrentEditError()
            self.version = expected_version + 1
            self.save(**kwargs)
