"""Communication and training activities on prostitution prevention, held in a commune."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from localities.models.places import Level, Locality, Scheme
from localities.models.records import LocatedRecord
from localities.models.validation import not_in_future, raise_if
from localities.querysets import ScopedQuerySet


class ActivityKind(models.TextChoices):
    COMMUNICATION = "communication", _("Communication")
    TRAINING = "training", _("Training")


class ActivityMedium(models.TextChoices):
    """The form an activity takes."""

    MEETING = "meeting", _("Meeting, talk")
    LOUDSPEAKER = "loudspeaker", _("Loudspeaker system")
    LEAFLET = "leaflet", _("Leaflets, posters")
    SOCIAL_MEDIA = "social_media", _("Social media")
    PRESS = "press", _("Press, radio, television")
    OTHER = "other", _("Other form")


class ActivityAudience(models.TextChoices):
    RESIDENTS = "residents", _("Residents")
    ESTABLISHMENT_WORKERS = "establishment_workers", _("Workers in establishments")
    INDUSTRIAL_WORKERS = "industrial_workers", _("Industrial-zone workers")
    STUDENTS = "students", _("Students")
    OFFICIALS = "officials", _("Officials")
    OTHER = "other", _("Other audience")


class ActivityQuerySet(ScopedQuerySet):
    """What "held in a window" and "a communication activity" mean (the figures of
    plan_tracker.metrics read them from here)."""

    @staticmethod
    def held_between_q(first, last) -> Q:
        return Q(held_on__gte=first, held_on__lte=last)

    @staticmethod
    def communication_q() -> Q:
        return Q(kind=ActivityKind.COMMUNICATION)


class Activity(LocatedRecord):
    """A communication or training activity, held in one commune on one day."""

    reference = models.CharField(_("activity reference"), max_length=60, unique=True)
    commune = models.ForeignKey(
        Locality,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="activities",
        limit_choices_to={"scheme": Scheme.NEW, "level": Level.COMMUNE},
    )
    held_on = models.DateField(_("held on"))
    kind = models.CharField(_("activity kind"), max_length=20, choices=ActivityKind.choices)
    form = models.CharField(_("form"), max_length=20, choices=ActivityMedium.choices)
    audience = models.CharField(_("audience"), max_length=30, choices=ActivityAudience.choices)
    people_reached = models.PositiveIntegerField(_("people reached"), default=0)
    title = models.CharField(_("title"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at", "created_at"])
    objects = ActivityQuerySet.as_manager()
    scope_commune_field = "commune"
    place_field = "commune"
    # The figures count an activity in the year it was held.
    figure_dates = ("held_on",)
    # The form and the audience describe the activity; no figure reads them.
    free_fields = ("reference", "form", "audience", "title", "notes", "locality_code_given")

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(people_reached__gte=0), name="activity_people_not_negative"
            ),
        ]
        indexes = [
            models.Index(fields=["province", "held_on"]),
            models.Index(fields=["commune", "held_on"]),
        ]

    def __str__(self):
        return f"{self.title} ({self.reference})"

    def get_absolute_url(self):
        return reverse("activity_detail", args=[self.pk])

    def _place(self):
        return self.commune if self.commune_id else None

    def clean(self):
        errors: dict = {}
        self._check_place(errors, "commune", commune_only=True)
        self.refuse_if_locked()
        not_in_future(errors, "held_on", self.held_on, _("The activity date"))
        raise_if(errors)
