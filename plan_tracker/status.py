"""The status of a target for a locality and a year, with what it looks like on a page.

Each status has a colour *and* a symbol and a word, so nothing is told by colour alone.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    MET = "met", _("Met")
    NOT_MET = "not_met", _("Not met")
    ON_TRACK = "on_track", _("On track")
    BEHIND = "behind", _("Behind")
    NOT_APPLICABLE = "not_applicable", _("n/a")

    @classmethod
    def colour(cls, value) -> str:
        """Bootstrap colour name of the badge."""
        return {
            cls.MET: "success",
            cls.ON_TRACK: "info",
            cls.BEHIND: "warning",
            cls.NOT_MET: "danger",
            cls.NOT_APPLICABLE: "secondary",
        }.get(value, "secondary")

    @classmethod
    def symbol(cls, value) -> str:
        """A shape beside the word, readable in black and white."""
        return {
            cls.MET: "✔",
            cls.ON_TRACK: "▲",
            cls.BEHIND: "▼",
            cls.NOT_MET: "✘",
            cls.NOT_APPLICABLE: "–",
        }.get(value, "–")

    @classmethod
    def rank(cls, value) -> int:
        """Worst first when sorting by status: not met, behind, on track, met, n/a."""
        return {
            cls.NOT_MET: 0,
            cls.BEHIND: 1,
            cls.ON_TRACK: 2,
            cls.MET: 3,
            cls.NOT_APPLICABLE: 4,
        }.get(value, 4)


def status_info(value) -> dict:
    """Everything a template or a chart needs to draw one status."""
    status = Status(value)
    return {
        "id": status.value,
        "label": str(status.label),
        "colour": Status.colour(status),
        "symbol": Status.symbol(status),
    }
