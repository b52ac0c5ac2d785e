"""The work lists' rows on a page: the establishments never inspected since the plan began and
the reports to handle, up to a hundred of each.

As for the compliance table (html_table), each row becomes one HTML string here, its text
escaped as it goes in, and the template only places the rows: a hundred rows through the
template engine cost more than the statements that fetch them. What is the same on every row —
the detail pages' address, the translated words — is worked out once per list; what a row says
comes from the records' own rules (`Report.status`, `Report.days_left`,
`Establishment.get_line_display`, `get_absolute_url`).
"""

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from localities.models import Establishment, Report, ReportStatus
from plan_tracker.dashboards.html_table import esc
from plan_tracker.dashboards.links import record_url

# The rows the status marks out, in the status's own colour: red when overdue, amber when due soon.
_MARKED = {ReportStatus.OVERDUE, ReportStatus.DUE_SOON}


def day(value) -> str:
    """A date as the pages write it (dd/mm/yyyy)."""
    return value.strftime("%d/%m/%Y")


def never_inspected_rows(establishments, *, show_commune: bool) -> SafeString:
    """The table rows of the establishments never inspected: opening date (or "unknown"),
    name with its link and code, the commune on a province's page, the business line."""
    address = record_url(Establishment)
    unknown = f'<span class="text-body-secondary">{esc(_("unknown"))}</span>'
    rows = []
    for e in establishments:
        opened = day(e.opened_on) if e.opened_on else unknown
        commune = f"<td>{esc(e.commune.name)}</td>" if show_commune else ""
        rows.append(
            f'<tr><td class="figure-num">{opened}</td>'
            f'<td><a href="{address(e.pk)}">{esc(e.name)}</a> '
            f'<span class="small text-body-secondary ref">{esc(e.code)}</span></td>'
            f'{commune}<td class="small">{esc(e.get_line_display())}</td></tr>'
        )
    return SafeString("\n".join(rows))


def _time_left(days_left: int) -> str:
    if days_left < 0:
        return ngettext("overdue by %(counter)s day", "overdue by %(counter)s days", -days_left) % {
            "counter": -days_left
        }
    if days_left == 0:
        return _("due today")
    return ngettext("%(counter)s day left", "%(counter)s days left", days_left) % {
        "counter": days_left
    }


def reports_to_handle_rows(reports, *, as_of, show_locality: bool) -> SafeString:
    """The table rows of the reports to handle on `as_of`: the deadline then in force and the
    days left or overdue (the row red when overdue, amber when due soon), the reference with
    its link, the kind (and the locality on a province's page), the day received, the status."""
    address = record_url(Report)
    labels = {state: esc(ReportStatus(state).label) for state in ReportStatus.values}
    rows = []
    for r in reports:
        state = r.status(as_of)
        colour = ReportStatus.colour(state)
        row_class = f' class="table-{colour}"' if state in _MARKED else ""
        where = f" · {esc(r.locality.name)}" if show_locality else ""
        rows.append(
            f"<tr{row_class}>"
            f'<td class="figure-num">{day(r.deadline_on(as_of))}'
            f'<div class="small">{esc(_time_left(r.days_left(as_of)))}</div></td>'
            f'<td><a href="{address(r.pk)}" class="ref">{esc(r.reference)}</a>'
            f'<div class="small text-body-secondary">{esc(r.kind)}{where}</div></td>'
            f'<td class="figure-num">{day(r.received_on)}</td>'
            f'<td><span class="badge text-bg-{colour}">{labels[state]}'
            "</span></td></tr>"
        )
    return SafeString("\n".join(rows))
