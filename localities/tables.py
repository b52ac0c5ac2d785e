"""List tables (django-tables2): sortable, 25 a page. Never the reporter's identity."""

import django_tables2 as tables
from django.contrib.humanize.templatetags.humanize import intcomma
from django.db.models import F
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from localities.models import Activity, Case, Establishment, Inspection, Report, ReportStatus
from localities.querysets import by_name

TEMPLATE = "localities/table.html"


def short_date(value):
    return date_format(value, "SHORT_DATE_FORMAT") if value else "—"


class DateColumn(tables.Column):
    def render(self, value):
        return short_date(value)


class RecordTable(tables.Table):
    """`province` is shown to national users only (officers know their province)."""

    province = tables.Column(
        verbose_name=_("Province"), accessor="province__short_name", order_by=("province__code",)
    )

    class Meta:
        template_name = TEMPLATE
        per_page = 25
        empty_text = _("Nothing here matches: widen the filters, or enter a new record.")
        default = "—"
        attrs = {"class": "table table-sm table-hover align-middle"}


def ordered_by_name(queryset, field, is_descending):
    """A column sorted by a Vietnamese name in the alphabet's order (then by id, stable)."""
    return queryset.order_by(by_name(field, descending=is_descending), "pk"), True


def place(record_place):
    return record_place.name if record_place else "—"


class EstablishmentTable(RecordTable):
    code = tables.Column(verbose_name=_("Registry code"), linkify=True)
    name = tables.Column(verbose_name=_("Name"), linkify=True)
    line = tables.Column(verbose_name=_("Business line"))
    commune = tables.Column(verbose_name=_("Commune"), order_by=("commune__name",))
    opened_on = DateColumn(verbose_name=_("Opened on"))
    closed_on = DateColumn(verbose_name=_("Closed on"))
    in_scope = tables.BooleanColumn(verbose_name=_("In scope"))
    last_inspected = DateColumn(verbose_name=_("Last inspected"))

    class Meta(RecordTable.Meta):
        model = Establishment
        fields = ("code", "name", "line", "commune", "opened_on", "closed_on", "in_scope")
        sequence = (*fields, "province", "last_inspected")

    def order_last_inspected(self, queryset, is_descending):
        # Never inspected comes last both ways, whatever the database puts first for NULL.
        last = F("last_inspected")
        last = last.desc(nulls_last=True) if is_descending else last.asc(nulls_last=True)
        return queryset.order_by(last, "code"), True

    def order_name(self, queryset, is_descending):
        return ordered_by_name(queryset, "name", is_descending)

    def order_commune(self, queryset, is_descending):
        return ordered_by_name(queryset, "commune__name", is_descending)

    def render_commune(self, value):
        return place(value)

    def render_line(self, record):
        return record.get_line_display()


class InspectionTable(RecordTable):
    inspected_on = DateColumn(verbose_name=_("Date"), linkify=True)
    establishment = tables.Column(
        verbose_name=_("Establishment"), linkify=True, order_by=("establishment__name",)
    )
    commune = tables.Column(
        verbose_name=_("Commune"),
        accessor="establishment__commune",
        order_by=("establishment__commune__name",),
    )
    province = tables.Column(
        verbose_name=_("Province"),
        accessor="establishment__province__short_name",
        order_by=("establishment__province__code",),
    )
    team = tables.Column(verbose_name=_("Team"))
    outcome = tables.Column(verbose_name=_("Outcome"))
    fine_vnd = tables.Column(verbose_name=_("Fine (VND)"), attrs={"td": {"class": "text-end"}})

    class Meta(RecordTable.Meta):
        model = Inspection
        fields = ("inspected_on", "establishment", "commune", "team", "outcome", "fine_vnd")
        sequence = ("inspected_on", "establishment", "commune", "province", "...")

    def order_establishment(self, queryset, is_descending):
        return ordered_by_name(queryset, "establishment__name", is_descending)

    def order_commune(self, queryset, is_descending):
        return ordered_by_name(queryset, "establishment__commune__name", is_descending)

    def render_establishment(self, value):
        return f"{value.name} ({value.code})"

    def render_commune(self, value):
        return place(value)

    def render_team(self, record):
        return record.get_team_display()

    def render_outcome(self, record):
        css = "text-danger" if record.outcome == "violation" else "text-success"
        return format_html('<span class="{}">{}</span>', css, record.get_outcome_display())

    def render_fine_vnd(self, value):
        return intcomma(value) if value else "0"


def status_badge(code):
    return format_html(
        '<span class="badge badge-status text-bg-{}" data-status="{}">{}</span>',
        ReportStatus.colour(code),
        code,
        ReportStatus(code).label,
    )


class ReportTable(RecordTable):
    reference = tables.Column(verbose_name=_("Reference"), linkify=True)
    kind = tables.Column(verbose_name=_("Kind"), order_by=("kind__position",))
    locality = tables.Column(verbose_name=_("Locality"), order_by=("locality__name",))
    received_on = DateColumn(verbose_name=_("Received"))
    deadline = DateColumn(verbose_name=_("Deadline"))
    handled_on = DateColumn(verbose_name=_("Handled on"))
    status_code = tables.Column(verbose_name=_("Status"))

    class Meta(RecordTable.Meta):
        model = Report
        fields = ("reference", "kind", "locality", "received_on", "deadline", "handled_on")
        sequence = ("reference", "kind", "locality", "province", "...", "status_code")

    def order_locality(self, queryset, is_descending):
        return ordered_by_name(queryset, "locality__name", is_descending)

    def render_locality(self, value):
        return place(value)

    def render_status_code(self, value):
        return status_badge(value)


class CaseTable(RecordTable):
    reference = tables.Column(verbose_name=_("Reference"), linkify=True)
    article = tables.Column(verbose_name=_("Article"))
    locality = tables.Column(verbose_name=_("Locality"), order_by=("locality__name",))
    opened_on = DateColumn(verbose_name=pgettext_lazy("case", "Opened"))
    handled_on = DateColumn(verbose_name=_("Handled on"))
    modus = tables.Column(verbose_name=_("How it operated"))
    # The report only when the viewer may see it (CaseQuerySet.with_report_seen_by): another
    # area's report is not named, nor sorted on.
    report = tables.Column(
        verbose_name=_("From report"),
        accessor="seen_report_reference",
        linkify=lambda record: (
            reverse("report_detail", args=[record.seen_report_id])
            if record.seen_report_id
            else None
        ),
        order_by=("seen_report_reference",),
    )

    class Meta(RecordTable.Meta):
        model = Case
        fields = ("reference", "article", "locality", "opened_on", "handled_on", "modus", "report")
        sequence = ("reference", "article", "locality", "province", "...")

    def order_locality(self, queryset, is_descending):
        return ordered_by_name(queryset, "locality__name", is_descending)

    def render_article(self, record):
        return record.get_article_display()

    def render_modus(self, record):
        return record.get_modus_display()

    def render_locality(self, value):
        return place(value)


class ActivityTable(RecordTable):
    reference = tables.Column(verbose_name=_("Reference"), linkify=True)
    held_on = DateColumn(verbose_name=_("Held on"))
    title = tables.Column(verbose_name=_("Title"), linkify=True)
    commune = tables.Column(verbose_name=_("Commune"), order_by=("commune__name",))
    kind = tables.Column(verbose_name=_("Activity kind"))
    form = tables.Column(verbose_name=_("Form"))
    audience = tables.Column(verbose_name=_("Audience"))
    people_reached = tables.Column(
        verbose_name=_("People reached"), attrs={"td": {"class": "text-end"}}
    )

    class Meta(RecordTable.Meta):
        model = Activity
        fields = (
            "reference",
            "held_on",
            "title",
            "commune",
            "kind",
            "form",
            "audience",
            "people_reached",
        )
        sequence = ("reference", "held_on", "title", "commune", "province", "...")

    def order_title(self, queryset, is_descending):
        return ordered_by_name(queryset, "title", is_descending)

    def order_commune(self, queryset, is_descending):
        return ordered_by_name(queryset, "commune__name", is_descending)

    def render_commune(self, value):
        return place(value)

    def render_kind(self, record):
        return record.get_kind_display()

    def render_form(self, record):
        return record.get_form_display()

    def render_audience(self, record):
        return record.get_audience_display()

    def render_people_reached(self, value):
        return intcomma(value) if value else "0"
