"""Send today's daily digests now (the task queue sends them each morning by itself)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plan_tracker.digests import send_digests


class Command(BaseCommand):
    help = gettext_lazy(
        "Mail today's digest of what falls due to every officer who wants it and has not had it "
        "today; prints how many were sent and skipped."
    )

    def handle(self, *args, **options):
        outcome = send_digests()
        self.stdout.write(
            _(
                "Daily digests of %(day)s: %(sent)d sent, %(skipped)d skipped (%(off)d turned "
                "off, %(no_email)d without an e-mail address, %(nothing)d with nothing due, "
                "%(already)d already sent today)."
            )
            % {
                "day": outcome.day.strftime("%d/%m/%Y"),
                "sent": outcome.sent,
                "skipped": outcome.skipped,
                "off": outcome.opted_out,
                "no_email": outcome.no_email,
                "nothing": outcome.nothing_due,
                "already": outcome.already_sent,
            }
        )
        if outcome.failed:
            raise CommandError(
                _(
                    "%(failed)d digest(s) could not be sent (see the log); they will be sent at "
                    "the next run."
                )
                % {"failed": outcome.failed}
            )
