"""Take one step of a province's year towards approval, as a named user would on the page.

    python manage.py approval submit --year 2025 --locality 01 --user province_officer
    python manage.py approval approve --year 2025 --locality 01 --user ministry
    python manage.py approval return --year 2025 --locality 01 --user ministry --comment "…"
    python manage.py approval reopen --year 2025 --locality 01 --user admin --comment "…"

The user's role and the year's state decide, as on the page (plan_tracker.approvals): a step
that is not allowed exits 1 with the reason. The plan is the default one unless --plan names
another.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.formats import date_format
from django.utils.timezone import localtime

from localities.models import Locality
from localities.permissions import APPROVE, REOPEN, RETURN, SUBMIT, OutOfScope
from plan_tracker.approvals import StepRefused, person, take_step
from plan_tracker.metrics import default_plan
from plan_tracker.models import Plan


class Command(BaseCommand):
    help = "Submit, approve, return or reopen a province's year (as the named user)."

    def add_arguments(self, parser):
        parser.add_argument("step", choices=[SUBMIT, APPROVE, RETURN, REOPEN])
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--locality", required=True, help="the province's code, e.g. 01")
        parser.add_argument("--user", required=True, help="the username taking the step")
        parser.add_argument("--comment", default="", help="required to return or reopen")
        parser.add_argument("--plan", type=int, help="the plan's id (default: the default plan)")

    def handle(self, *args, step, year, locality, user, comment, plan, **options):
        account = get_user_model().objects.filter(username=user).first()
        if account is None:
            raise CommandError(f"No user is named {user}.")
        province = _province(locality)
        if plan is None:
            chosen = default_plan()
        else:
            chosen = Plan.objects.filter(pk=plan).first()
            if chosen is None:
                raise CommandError(f"No plan has the id {plan}.")
        try:
            approval = take_step(
                user=account,
                action=step,
                plan=chosen,
                province=province,
                year=year,
                comment=comment,
            )
        except (StepRefused, OutOfScope) as refusal:
            raise CommandError(str(refusal)) from None
        last = approval.steps.order_by("-at", "-pk").first()
        self.stdout.write(
            f"{province.name} {year}: {approval.get_state_display()} "
            f"({date_format(localtime(last.at), 'SHORT_DATETIME_FORMAT')}, {person(account)})"
        )


def _province(code: str) -> Locality:
    place = Locality.objects.current().filter(code=code).first()
    if place is None or not place.is_province:
        raise CommandError(f"No province of the 2025 scheme has the code {code}.")
    return place
