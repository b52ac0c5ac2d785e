"""What every record has: a version for optimistic locking (two people editing one record, the
second save is refused), and the fields derived from its others, set before each save."""

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


class VersionCheckedModel(models.Model):
    """A version, and a save refused when someone has saved since it was read."""

    version = models.PositiveIntegerField(default=1, editable=False)

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


class VersionedModel(VersionCheckedModel):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Fields computed from the record's others by set_derived_fields(), never typed in.
    derived_fields: tuple[str, ...] = ()
    # What bump_version() changes.
    version_fields = ("version", "updated_at")

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.set_derived_fields()
        super().save(*args, **kwargs)

    def set_derived_fields(self):
        """Compute derived_fields from the record's other fields. save() calls it, and so does
        the bulk write of many records (localities.services.records_save_bulk), which skips
        save(): one rule for both."""

    def bump_version(self, now):
        """An update written in bulk, where neither save_checked() nor save() runs: the next
        version, and the time of the update, which auto_now stamps only in save(). Unlike
        save_checked(), nothing here refuses an edit saved since the record was read."""
        self.version += 1
        self.updated_at = now
