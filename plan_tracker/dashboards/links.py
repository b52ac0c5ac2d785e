"""Where the dashboards lead: a row's locality to its table or work lists and record lists, the
breadcrumb, and an officer's landing page. URLs carry the selection (plan, year, as-of)."""

from urllib.parse import urlencode

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from localities.models import Level, Locality
from localities.permissions import scope_of
from plan_tracker.selection import Selection


def record_link(name: str, **params) -> str:
    """A record list's URL with its filters."""
    url = reverse(name)
    return f"{url}?{urlencode(params)}" if params else url


def _list_prefixes(level: str) -> list[tuple[str, str]]:
    """("/establishments/?commune=", label) of the record lists of a locality of `level`: its
    pk goes at the end."""
    if level == Level.PROVINCE:
        wanted = [
            ("establishment_list", "province", _("Establishments")),
            ("report_list", "province", _("Reports")),
        ]
    else:
        wanted = [
            ("establishment_list", "commune", _("Establishments")),
            ("inspection_list", "commune", _("Inspections")),
            ("report_list", "locality", _("Reports")),
            ("case_list", "locality", _("Cases")),
        ]
    return [(f"{reverse(name)}?{key}=", label) for name, key, label in wanted]


def list_links(place: Locality) -> list[tuple[str, str]]:
    """(url, label) of the record lists filtered to `place`."""
    return [(f"{prefix}{place.pk}", label) for prefix, label in _list_prefixes(place.level)]


def never_inspected_link(sel: Selection, place: Locality) -> str:
    """The establishments list showing exactly the work list's "never inspected since the plan
    began": in scope, operating on A, no inspection from the plan's first day through A."""
    key = "province" if place.level == Level.PROVINCE else "commune"
    return record_link(
        "establishment_list",
        **{
            key: place.pk,
            "not_inspected_since": sel.plan.first_day.strftime("%d/%m/%Y"),
            "as_of": sel.as_of.strftime("%d/%m/%Y"),
        },
    )


# A pk no record has, to reverse a URL once and put each row's pk in its place.
_PK_MARK = 987654321


def _pk_url(name: str, query: str):
    """pk -> reverse(name, args=[pk]) + query, reversing only once."""
    return _by_pk(reverse(name, args=[_PK_MARK]), query)


def record_url(model):
    """pk -> a record's detail address, the model's own get_absolute_url, asked only once."""
    return _by_pk(model(pk=_PK_MARK).get_absolute_url())


def _by_pk(marked_url: str, query: str = ""):
    head, _mark, tail = marked_url.partition(str(_PK_MARK))
    return lambda pk: f"{head}{pk}{tail}{query}"


class RowLinks:
    """Where each row of a table leads: its name to the province's table or the commune's work
    lists (url_for), its "Next steps" to the work lists and, for a commune, its record lists
    (links_for, the same URLs as list_links) — each URL reversed and each label translated once
    for the whole table instead of five times a row."""

    def __init__(self, sel: Selection):
        query = f"?{sel.query}" if sel.explicit else ""
        self.work_lists = _pk_url("work_lists", query)
        self.dashboard = _pk_url("dashboard_locality", query)
        self.work_label = _("Work lists")
        self.commune_lists = _list_prefixes(Level.COMMUNE)

    def url_for(self, place: Locality) -> str:
        if place.level == Level.PROVINCE:
            return self.dashboard(place.pk)
        return self.work_lists(place.pk)

    def links_for(self, place: Locality) -> list[tuple[str, str]]:
        links = [(self.work_lists(place.pk), self.work_label)]
        if place.level == Level.COMMUNE:
            links += [(f"{prefix}{place.pk}", label) for prefix, label in self.commune_lists]
        return links


def crumbs(user, sel: Selection, place: Locality | None, current: str | None = None):
    """(label, url) from the nation down to `place`, then `current` (the page) if given."""
    scope = scope_of(user)
    items = []
    if scope.national:
        items.append((_("Whole country"), sel.url("dashboard_national")))
    if place is not None:
        if place.level == Level.COMMUNE:
            if not scope.commune_id:
                items.append(
                    (place.province.name, sel.url("dashboard_locality", place.province_id))
                )
            items.append((place.name, sel.url("work_lists", place.pk)))
        else:
            items.append((place.name, sel.url("dashboard_locality", place.pk)))
    if current:
        items.append((current, None))
    return items


def scope_landing(user, query: str) -> str:
    """Where an officer's dashboards begin: their province's table, or their commune's lists."""
    scope = scope_of(user)
    if scope.commune_id:
        url = reverse("work_lists", args=[scope.commune_id])
    elif scope.province_id:
        url = reverse("dashboard_locality", args=[scope.province_id])
    else:
        raise Http404(_("You have no area assigned: ask an administrator."))
    return f"{url}?{query}" if query else url
