"""Recomputes the summaries of inspections (the inspected years and the first inspection date of
each year) from the inspections and says how many establishments had drifted (0 when the
triggers did their job, e.g. after a restore that loaded rows without them)."""

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from localities import summary


class Command(BaseCommand):
    help = gettext_lazy("Recompute the summary of inspected years from the inspections.")

    def handle(self, *args, **options):
        with transaction.atomic():
            changed = summary.rebuild(connection)
        self.stdout.write(
            _("Summary of inspected years rebuilt: %(count)d establishment(s) corrected.")
            % {"count": changed}
        )
