"""Sign-in failures: the log line of each, and the page a locked-out username or address gets.

django-axes counts the failures and refuses a locked-out username or address (settings, the
sign-in protection block); this module says so in the log and to the person at the login page.
"""

import logging

from axes.helpers import get_cool_off
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.shortcuts import render
from django.utils import timezone

from plan_tracker.client import client_address

logger = logging.getLogger(__name__)


@receiver(user_login_failed)
def log_failed_sign_in(sender, credentials, request=None, **kwargs):
    # The username and the address only: never the password (Django hands the receivers a
    # masked copy of the credentials anyway).
    logger.warning(
        "Sign-in failed for username %r from %s",
        credentials.get("username", ""),
        client_address(request) if request is not None else "-",
    )


@receiver(user_locked_out)
def log_lockout(sender, request=None, username=None, ip_address=None, **kwargs):
    logger.warning(
        "Sign-in locked for username %r and address %s after %s failures",
        username or "",
        ip_address or "-",
        settings.AXES_FAILURE_LIMIT,
    )


def locked_out(request, original_response=None, credentials=None):
    """The lockout page (429), in the site's look: when to try again.

    A failure during a lockout starts the cool-off again (axes'
    AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT), and this page only answers a failed or
    refused attempt, so the lockout ends one cool-off from now."""
    cool_off = get_cool_off(request)
    minutes = max(1, round(cool_off.total_seconds() / 60))
    until = timezone.localtime(timezone.now() + cool_off)
    response = render(
        request,
        "registration/locked_out.html",
        {"until": until, "minutes": minutes},
        status=429,
    )
    response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
