"""The read-only JSON API under /api/v1/ (plain Django views; the schema is in openapi.py).

Authentication: the browser's session, or `Authorization: Bearer <token>` with a token the user
created on the API tokens page, until its expiry day. Every answer is restricted to the caller's
area exactly like the pages (a token limited to a province: to that part of it): records outside
it are absent from lists, and a locality outside it answers 404.

Rate limits (django-ratelimit, counted in the shared cache): settings.PLAN_TRACKER_API_RATE
calls per token (per user for a session), and settings.PLAN_TRACKER_API_FAILED_AUTH_RATE
refused authentications (unknown, revoked or expired token, or none) per address; past the
latter the address gets 429 for the rest of the window, whatever it sends, so tokens cannot be
guessed. A 429 says in Retry-After how many seconds remain in the window.
"""

import datetime
import functools
import ipaddress
import logging
from decimal import Decimal

from django import forms
from django.conf import settings
from django.http import JsonResponse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django_ratelimit.core import get_usage

from exchange.exports import raw
from exchange.kinds import Kind
from exchange.models import ApiToken
from localities.filters import PlaceFilter
from localities.permissions import OutOfScope, scope_of
from localities.selectors import Frame
from plan_tracker.client import client_address
from plan_tracker.compliance_io import PlansSideBySide, table_json
from plan_tracker.selection import SelectionRefused, select

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000

# The rate-limit counters' groups (django-ratelimit): calls per token, refusals per address.
CALLS = "api-calls"
REFUSALS = "api-refused-authentication"

logger = logging.getLogger(__name__)


def error(status: int, message: str, **extra) -> JsonResponse:
    response = JsonResponse({"error": str(message), **extra}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="plan-tracker"'
    return response


def too_many_requests(usage: dict) -> JsonResponse:
    """429, with the seconds left in the counter's window (at least 1) in Retry-After."""
    seconds = max(1, usage["time_left"])
    response = error(
        429,
        _("Too many requests: try again in %(seconds)s seconds.") % {"seconds": seconds},
        retry_after=seconds,
    )
    response["Retry-After"] = str(seconds)
    return response


def refusal_key(_group, request) -> str:
    """The address refusals are counted for (plan_tracker.client); an IPv6 address by its /64
    network, which one client usually holds whole."""
    address = client_address(request)
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    return str(ip)


def _refusals(request, *, count: bool) -> dict | None:
    """The refused authentications of the request's address in the current window (one more
    with `count`)."""
    return get_usage(
        request,
        group=REFUSALS,
        key=refusal_key,
        rate=settings.PLAN_TRACKER_API_FAILED_AUTH_RATE,
        increment=count,
    )


def refuse(request, message, reason: str) -> JsonResponse:
    """401, counted against the address; logged without the token."""
    _refusals(request, count=True)
    logger.warning("API authentication refused from %s: %s", client_address(request), reason)
    return error(401, message)


def api_view(view):
    """GET only; the caller is the token's user or the session's, within the rate limits; no
    area, no data."""

    @csrf_exempt
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            response = error(405, _("This API is read-only: use GET."))
            response["Allow"] = "GET, HEAD"
            return response
        refusals = _refusals(request, count=False)
        if refusals is not None and refusals["count"] >= refusals["limit"]:
            return too_many_requests(refusals)
        header = request.headers.get("Authorization", "")
        token = None
        if header:
            scheme, _sep, raw = header.partition(" ")
            token = ApiToken.find(raw.strip()) if scheme.lower() == "bearer" else None
            if token is None:
                return refuse(request, _("The token is unknown or revoked."), "unknown token")
            if token.expired():
                message = _(
                    "The token expired on %(day)s: create a new one on the API tokens page."
                ) % {"day": date_format(token.expires_on, "SHORT_DATE_FORMAT")}
                return refuse(request, message, f"expired token #{token.pk}")
            request.user = token.caller()
            caller = f"token:{token.token_hash}"
        elif not request.user.is_authenticated:
            return refuse(
                request,
                _("Log in, or send an API token: Authorization: Bearer <token>."),
                "no credentials",
            )
        else:
            caller = f"user:{request.user.pk}"
        calls = get_usage(
            request,
            group=CALLS,
            key=lambda _group, _request: caller,
            rate=settings.PLAN_TRACKER_API_RATE,
            increment=True,
        )
        if calls is not None and calls["should_limit"]:
            return too_many_requests(calls)
        if scope_of(request.user).empty:
            if token is not None and token.province_id is not None:
                return error(
                    403, _("This token is limited to a province outside your area: revoke it.")
                )
            return error(403, _("You have no area assigned: ask an administrator."))
        return view(request, *args, **kwargs)

    return wrapper


def _plain(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


@api_view
def compliance(request):
    frame = Frame.of(request.user)
    try:
        sel = select(request.GET, frame)
        tables = sel.tables(frame)
    except SelectionRefused as refusal:
        return error(400, _("Check the parameters."), fields=refusal.form.errors.get_json_data())
    except OutOfScope as problem:
        return error(404, str(problem) or _("No locality with this code in your area."))
    plan, locality = sel.plan, sel.locality
    # One row per locality and plan judged, as compliance_report and the CSV give them; the
    # totals likewise, one per plan (`total`: the page's own plan's, the first).
    table = PlansSideBySide(tables)
    totals = table_json(table, total=True)[-len(tables) :]
    return JsonResponse(
        {
            "year": table.year,
            "as_of": table.as_of.isoformat(),
            "level": table.level,
            "locality": locality.code if locality else None,
            "plan": {
                "id": plan.pk,
                "name": str(plan),
                "first_year": plan.first_year,
                "last_year": plan.last_year,
            },
            # Each plan in force (the chosen one alone with ?plan=), with each target's status
            # for the table's total; empty when no plan is in force in the year.
            "plans_in_force": [
                {
                    "id": t.plan.pk,
                    "name": str(t.plan),
                    "province": t.plan.province.code if t.plan.province_id else None,
                    "first_year": t.plan.first_year,
                    "last_year": t.plan.last_year,
                    "document": t.plan.decision,
                    "targets": [
                        {
                            "metric": target.metric,
                            "threshold": float(target.threshold),
                            "applies_to": target.applies_to,
                            "status": str(t.total.status(target.metric)),
                        }
                        for target in t.targets
                    ],
                }
                for t in tables
                if sel.plans
            ],
            "columns": table.columns,
            "rows": table_json(table),
            "total": totals[0],
            "totals": totals,
        },
        json_dumps_params={"ensure_ascii": False},
    )


class PageForm(forms.Form):
    """?limit= and ?offset= of a records list (an offset past the last record is an empty
    page, however large)."""

    limit = forms.IntegerField(min_value=1, max_value=MAX_LIMIT, required=False)
    offset = forms.IntegerField(min_value=0, required=False)

    def clean(self):
        # A form reads "?offset=" as no offset at all; the API's description says a whole
        # number, so a parameter given empty is refused rather than quietly read as 0.
        for name in ("limit", "offset"):
            if name in self.data and not self.data[name].strip():
                self.add_error(name, _("Give a whole number, or leave the parameter out."))
        return super().clean()


def _unknown_places(filterset) -> bool:
    """The filters are refused only for naming, by id, localities outside the caller's area (or
    no locality at all): like a locality code, that answers 404."""
    errors = filterset.errors.as_data()
    places = [
        name
        for name, flt in filterset.filters.items()
        if isinstance(flt, PlaceFilter) and name in errors
    ]
    if not places or set(errors) - set(places):
        return False
    for name in places:
        try:
            int(filterset.data.get(name))
        except (TypeError, ValueError):
            return False
    return True


def _link(request, limit, offset):
    query = request.GET.copy()
    query["limit"] = limit
    query["offset"] = offset
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def record_list(kind: Kind):
    """The view of one kind's records: a page of them, filtered like their list."""

    @api_view
    def view(request):
        paging = PageForm(request.GET)
        if not paging.is_valid():
            return error(400, _("Check the parameters."), fields=paging.errors.get_json_data())
        limit = paging.cleaned_data["limit"] or DEFAULT_LIMIT
        offset = paging.cleaned_data["offset"] or 0
        queryset, filterset = raw.filtered_records(kind, user=request.user, data=request.GET)
        if not filterset.is_valid():
            if _unknown_places(filterset):
                return error(404, _("No locality with this id in your area."))
            return error(400, _("Check the filters."), fields=filterset.errors.get_json_data())
        count = queryset.count()
        paths = ["pk", *kind.paths]
        names = ["id", *kind.column_names]
        # Past the last record the page is empty (and the database is spared an offset beyond
        # its integers).
        rows = queryset.order_by(*kind.order).values_list(*paths)[offset : offset + limit]
        rows = rows if offset < count else []
        results = [{n: _plain(v) for n, v in zip(names, row, strict=True)} for row in rows]
        return JsonResponse(
            {
                "count": count,
                "limit": limit,
                "offset": offset,
                "next": _link(request, limit, offset + limit) if offset + limit < count else None,
                "previous": _link(request, limit, max(offset - limit, 0)) if offset else None,
                "results": results,
            },
            json_dumps_params={"ensure_ascii": False},
        )

    view.__name__ = f"api_{kind.id}"
    return view
