"""A user's assignment: one role and, for officers, one locality (rules: localities.permissions)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from localities.models.places import Level, Locality, Scheme
from localities.permissions import Role


def person_name(user) -> str:
    """How a user is named on pages, files and histories: the full name, or the username
    without one ("" for no user)."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


class Assignment(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignment"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    locality = models.ForeignKey(
        Locality,
        verbose_name=_("locality"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        limit_choices_to={"scheme": Scheme.NEW},
        related_name="assignments",
    )

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")

    def __str__(self):
        return f"{self.user} — {self.get_role_display()}"

    def clean(self):
        expected = {
            Role.COMMUNE_OFFICER: Level.COMMUNE,
            Role.PROVINCIAL_OFFICER: Level.PROVINCE,
        }.get(self.role)
        if expected is None and self.locality_id:
            raise ValidationError(
                {"locality": gettext("This role covers the nation: leave the locality empty.")}
            )
        if expected and (not self.locality_id or self.locality.level != expected):
            raise ValidationError(
                {
                    "locality": gettext("This role needs a %(level)s of the 2025 scheme.")
                    % {"level": Level(expected).label.lower()}
                }
            )
