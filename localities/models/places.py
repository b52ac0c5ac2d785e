"""Administrative units of both schemes: 2004 (63 provinces, ended 30/06/2025) and 2025."""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from localities.querysets import LocalityQuerySet

SCHEME_2025_START = datetime.date(2025, 7, 1)
SCHEME_2004_END = datetime.date(2025, 6, 30)


class Scheme(models.TextChoices):
    OLD = "2004", _("2004 scheme (63 provinces)")
    NEW = "2025", _("2025 scheme (34 provinces)")


class Level(models.TextChoices):
    PROVINCE = "province", _("Province")
    COMMUNE = "commune", _("Commune")


class Locality(models.Model):
    """One unit, identified by (scheme, code): the same code can mean two units in two schemes."""

    scheme = models.CharField(_("scheme"), max_length=4, choices=Scheme.choices)
    code = models.CharField(_("code"), max_length=5)
    name = models.CharField(_("name"), max_length=120)
    short_name = models.CharField(_("short name"), max_length=120)
    unit_type = models.CharField(_("unit type"), max_length=40, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    # The province a commune belongs to; a province points to itself, so one filter on
    # province_id selects a province together with its communes.
    province = models.ForeignKey(
        "self",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    # Only for old communes: the district they belonged to (districts are gone since 2025).
    district_name = models.CharField(_("district (before 2025)"), max_length=120, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    # Old province -> the new province it went whole into.
    successor = models.ForeignKey(
        "self",
        verbose_name=_("successor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
    )
    # The dataset's normalised key, used to read its conversion table.
    key = models.CharField(max_length=200, blank=True, db_index=True)

    objects = LocalityQuerySet.as_manager()

    class Meta:
        verbose_name = _("locality")
        verbose_name_plural = _("localities")
        ordering = ["scheme", "code"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="locality_scheme_code_unique"),
        ]
        indexes = [models.Index(fields=["scheme", "level", "province"])]

    def __str__(self):
        if self.scheme == Scheme.OLD:
            return f"{self.name} ({Scheme.OLD}:{self.code})"
        return f"{self.name} ({self.code})"

    @property
    def is_current(self) -> bool:
        return self.scheme == Scheme.NEW

    @property
    def is_province(self) -> bool:
        return self.level == Level.PROVINCE

    @property
    def qualified_code(self) -> str:
        """The code as written in one text field: bare for 2025, prefixed for 2004."""
        return self.code if self.scheme == Scheme.NEW else f"{Scheme.OLD}:{self.code}"


class LocalityConversion(models.Model):
    """The official old -> new table for communes: one row per (old, new) pair.

    An old commune merged whole into one new commune has one row; one split across several
    new communes has one row per part, and the one the official table names first is the default.
    """

    old = models.ForeignKey(Locality, on_delete=models.CASCADE, related_name="conversions")
    new = models.ForeignKey(Locality, on_delete=models.CASCADE, related_name="conversions_from")
    is_default = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("locality conversion")
        verbose_name_plural = _("locality conversions")
        constraints = [
            models.UniqueConstraint(fields=["old", "new"], name="conversion_old_new_unique"),
        ]

    def __str__(self):
        return f"{self.old} → {self.new}"
