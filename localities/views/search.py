"""The establishment search behind the inspection form's picker (static/js/picker.js)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import JsonResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache

from localities.forms import picker_label
from localities.models import Establishment
from localities.permissions import CHANGE

PAGE_SIZE = 20
MAX_QUERY = 100


@method_decorator(never_cache, name="dispatch")
class EstablishmentSearch(LoginRequiredMixin, View):
    """?q=words[&page=N]: the establishments the user may record inspections of whose code,
    name, address or commune hold every word, tone marks and case aside, by name, 20 a page.

    Nothing outside the user's area is ever answered (an empty list, as for no match); a page
    past the last is empty too. One query for the page, whatever its size."""

    def get(self, request):
        text = request.GET.get("q", "")[:MAX_QUERY]
        page = request.GET.get("page", "1")
        page = int(page) if page.isdecimal() and 0 < int(page) < 10_000 else 1
        results, has_next = [], False
        if text.strip():
            found = (
                Establishment.objects.restrict(request.user, CHANGE)
                .matching(text)
                .select_related("commune")
                .only("pk", "code", "name", "address", "commune__name")
                .order_by("name", "code")
            )
            start = (page - 1) * PAGE_SIZE
            rows = list(found[start : start + PAGE_SIZE + 1])
            has_next = len(rows) > PAGE_SIZE
            results = [
                {
                    "code": row.code,
                    "name": row.name,
                    "address": row.address,
                    "commune": row.commune.name,
                    "label": picker_label(row),
                }
                for row in rows[:PAGE_SIZE]
            ]
        return JsonResponse({"results": results, "page": page, "has_next": has_next})
