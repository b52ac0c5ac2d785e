from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from localities.permissions import scope_of
from localities.selectors import Frame
from plan_tracker import metrics
from plan_tracker.digests import build_digest
from plan_tracker.models import DigestPreference


@login_required
def home(request):
    """The home page: a few counts of the user's area today and, for an officer, what falls due
    in it (the same selection as the daily digest's e-mail)."""
    return render(
        request,
        "home.html",
        {
            "counts": metrics.home_figures(Frame.of(request.user)),
            "digest": build_digest(request.user),
        },
    )


class DigestPreferenceForm(forms.ModelForm):
    class Meta:
        model = DigestPreference
        fields = ["enabled", "language"]
        widgets = {
            "enabled": forms.CheckboxInput(attrs={"class": "form-check-input"}),
            "language": forms.Select(attrs={"class": "form-select w-auto"}),
        }


@login_required
def digest_preference(request):
    """The user's own choice of the daily digest: on or off, and its language."""
    preference = DigestPreference.objects.filter(user=request.user).first() or DigestPreference(
        user=request.user
    )
    form = DigestPreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your choice for the daily digest is saved."))
        return redirect("digest_preference")
    return render(
        request,
        "digests/preference.html",
        {
            "form": form,
            "has_area": scope_of(request.user).locality_id is not None,
            "has_email": bool(request.user.email),
        },
    )
