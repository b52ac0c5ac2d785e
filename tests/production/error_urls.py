"""The app's URLs plus one that fails in each way, for the error pages' tests."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.urls import path

from plan_tracker.urls import urlpatterns as app_urlpatterns


def bad_request(request):
    raise SuspiciousOperation("a forged header")


def forbidden(request):
    raise PermissionDenied


def not_found(request):
    raise Http404("no such record")


def broken(request):
    raise RuntimeError("a bug")


urlpatterns = [
    path("fails/400/", bad_request),
    path("fails/403/", forbidden),
    path("fails/404/", not_found),
    path("fails/500/", broken),
    *app_urlpatterns,
]
