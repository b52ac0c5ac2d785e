from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from localities.selectors import Frame
from plan_tracker import metrics


@login_required
def home(request):
    """The home page: a few counts of the user's area today."""
    return render(request, "home.html", {"counts": metrics.home_figures(Frame.of(request.user))})
