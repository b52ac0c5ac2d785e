"""Make sure exactly one run of the daily digest waits on the task queue (run at start-up)."""

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plan_tracker.digests import schedule_next_run


class Command(BaseCommand):
    help = gettext_lazy(
        "Make sure exactly one run of the daily digest is waiting on the task queue for the next "
        "digest hour (PLAN_TRACKER_DIGEST_HOUR); idempotent."
    )

    def handle(self, *args, **options):
        schedule = schedule_next_run()
        if schedule.state == "unsupported":
            self.stdout.write(
                _(
                    "The task queue runs tasks at once and cannot keep one for the morning: "
                    "nothing scheduled. Run “manage.py send_digests” each morning instead, or "
                    "use a queue that can wait (the database or RQ)."
                )
            )
            return
        when = timezone.localtime(schedule.run_after).strftime("%d/%m/%Y %H:%M")
        if schedule.state == "waiting":
            self.stdout.write(
                _("The next daily digest run is already waiting for %(when)s.") % {"when": when}
            )
        else:
            self.stdout.write(
                _("The next daily digest run is enqueued for %(when)s.") % {"when": when}
            )
        if schedule.removed:
            self.stdout.write(
                _("%(count)d more waiting run(s) removed.") % {"count": schedule.removed}
            )
