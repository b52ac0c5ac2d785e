"""The establishment search behind the inspection form's picker (static/js/picker.js)."""

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import JsonResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.cache import never_cache

from localities.forms import picker_label
from localities.models import Establishment
from localities.permissions import CHANGE

PAGE_SIZE = 20
MAX_QUERY = 100


class SearchForm(forms.Form):
    # CharField refuses a NUL character, which no name or address holds (and PostgreSQL would
    # refuse in a query).
    q = forms.CharField(label=_("Search"), required=False, strip=False)
    page = forms.IntegerField(label=_("Page"), required=False, min_value=1, max_value=9999)


@method_decorator(never_cache, name="dispatch")
class EstablishmentSearch(LoginRequiredMixin, View):
    """?q=words[&page=N]: the establishments the user may record inspections of whose code,
    name, address or commune hold every word, tone marks and case aside, by name, 20 a page.

    Nothing outside the user's area is ever answered (an empty list, as for no match); a page
    past the last is empty too. One query for the page, whatever its size."""

    def get(self, request):
        form = SearchForm(request.GET)
        if not form.is_valid():
            return JsonResponse(
                {"error": _("The search is not valid."), "errors": form.errors.get_json_data()},
                status=400,
            )
        # A longer text would only be a longer way to find nothing.
        text = form.cleaned_data["q"][:MAX_QUERY]
        page = form.cleaned_data["page"] or 1
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
