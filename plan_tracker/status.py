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
        return _COLOURS.get(value, "secondary")

    @classmethod
    def symbol(cls, value) -> str:
        """A shape beside the word, readable in black and white."""
        return _SYMBOLS.get(value, "–")


# Looked up once per cell of a compliance table (plan_tracker.tables), so built once here.
_COLOURS = {
    Status.MET: "success",
    Status.ON_TRACK: "info",
    Status.BEHIND: "warning",
    Status.NOT_MET: "danger",
    Status.NOT_APPLICABLE: "secondary",
}
_SYMBOLS = {
    Status.MET: "✔",
    Status.ON_TRACK: "▲",
    Status.BEHIND: "▼",
    Status.NOT_MET: "✘",
    Status.NOT_APPLICABLE: "–",
}


def status_info(value) -> dict:
    """Everything a template or a chart needs to draw one status."""
    status = Status(value)
    return {
        "id": status.value,
        "label": str(status.label),
        "colour": Status.colour(status),
        "symbol": Status.symbol(status),
    }


def plan_cards(tables) -> list[dict]:
    """Each plan judged, side by side: its name and document, and for each of its targets the
    figure it reads for the table's total (the locality, or the nation) and its status."""
    from plan_tracker import metrics  # here: metrics reads Status from this module

    cards = []
    for table in tables:
        total = table.total
        targets = []
        for target in table.targets:
            if target.is_count:
                value = total.values.get(metrics.COUNT_FIGURES[target.metric])
            else:
                name = metrics.TARGET_FIGURES.get(target.metric, ("",))[0]
                value = total.values.get(name)
            targets.append(
                {
                    "target": target,
                    "goal": target.goal,
                    "value": value,
                    "percent": not target.is_count,
                    "status": status_info(total.status(target.metric)),
                }
            )
        cards.append({"plan": table.plan, "targets": targets})
    return cards
