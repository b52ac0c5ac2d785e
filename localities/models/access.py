"""Who may see and do what: one assignment (role + locality) per user."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from localities.models.places import Level, Locality, Scheme


class Role(models.TextChoices):
    COMMUNE_OFFICER = "commune_officer", _("Commune officer")
    PROVINCIAL_OFFICER = "provincial_officer", _("Provincial officer")
    MINISTRY = "ministry", _("Ministry staff")
    ADMINISTRATOR = "administrator", _("Administrator")


NATIONAL_ROLES = {Role.MINISTRY, Role.ADMINISTRATOR}


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

    @property
    def is_national(self) -> bool:
        return self.role in NATIONAL_ROLES

    @property
    def can_write(self) -> bool:
        """Officers write in their scope; administrators anywhere; ministry staff only read."""
        return self.role != Role.MINISTRY

    @property
    def can_see_identity(self) -> bool:
        """Only the officers handling the reports of their own scope (plan-rules §5, §8)."""
        return self.role in {Role.COMMUNE_OFFICER, Role.PROVINCIAL_OFFICER}

    @property
    def is_administrator(self) -> bool:
        return self.role == Role.ADMINISTRATOR

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
