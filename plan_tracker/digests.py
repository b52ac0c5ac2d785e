"""The daily digest: what falls due in an officer's area, by e-mail each morning and on the home
page ("Việc đến hạn"), both from ``build_digest``.

Who gets one: the officers, i.e. the users whose scope (localities.permissions.scope_of) is one
area: a province (provincial officers) or a commune (commune officers). Ministry staff and
administrators, whose scope is the nation, get none: a list of every report due in the country
is nobody's work for the day. An officer is mailed when they have an e-mail address, have not
turned the digest off (``DigestPreference.enabled``), something is due in their area, and no
digest was sent to them yet that day (``DigestPreference.last_sent_on``).

What is in it, on a day D, for the officer's area:

* the reports overdue or due soon on D (``ReportQuerySet.overdue_on`` / ``due_soon_on``, the
  window ``DUE_SOON_DAYS``), taken from the work lists' reports to handle
  (``metrics.reports_to_handle``): overdue first, then the nearest deadline;
* the establishments never inspected since the first day of the plan the work lists show by
  default (``plan_tracker.selection``, ``metrics.never_inspected``);
* links to the work lists and to each record, absolute (``PLAN_TRACKER_BASE_URL``).

Reports are named by reference, kind, locality and deadline only: nothing of the reporter's
identity (``ReporterIdentity``) is read, so nothing of it can be shown.

A digest costs the same few queries however many reports and establishments fall due (the
lists are cut at ``DIGEST_LIST_LIMIT`` with their full counts alongside); sending costs a few
queries for everyone plus that handful per officer.

The schedule: ``send_daily_digests`` is a task of the task queue (django-tasks). django-tasks
has no periodic tasks, so each run enqueues the next one for the next morning at
``PLAN_TRACKER_DIGEST_HOUR`` (local time), and ``manage.py schedule_digests`` (run when the app
starts) makes sure exactly one future run is waiting.
"""

import datetime
import logging
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import Count
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import TaskResultStatus, task

from localities.models import ReportStatus
from localities.models.reports import DUE_SOON_DAYS, ReportQuerySet
from localities.permissions import scope_of
from localities.selectors import Frame
from plan_tracker import metrics
from plan_tracker.dashboards.links import never_inspected_link
from plan_tracker.models import DigestPreference, Plan
from plan_tracker.selection import select

logger = logging.getLogger(__name__)

# Rows listed of each kind in a digest; the counts are always whole.
DIGEST_LIST_LIMIT = 50


def absolute(path: str) -> str:
    """The address of one of the app's pages as the officers reach it (PLAN_TRACKER_BASE_URL)."""
    return f"{settings.PLAN_TRACKER_BASE_URL}{path}"


@dataclass
class Digest:
    day: datetime.date
    place: object
    plan: Plan
    reports: list
    report_count: int
    overdue_count: int
    never: list
    never_count: int
    work_path: str
    never_path: str
    due_soon_days: int = DUE_SOON_DAYS

    @property
    def due_soon_count(self) -> int:
        return self.report_count - self.overdue_count

    @property
    def empty(self) -> bool:
        return not (self.report_count or self.never_count)

    @property
    def reports_more(self) -> int:
        return self.report_count - len(self.reports)

    @property
    def never_more(self) -> int:
        return self.never_count - len(self.never)


def build_digest(user, *, day: datetime.date | None = None, plans=None) -> Digest | None:
    """What falls due on `day` (default today) in the user's area, or None for a user with no
    area of their own (see the module's docstring). `plans`: the plans, when the caller has
    read them already (the selection reads them otherwise)."""
    scope = scope_of(user)
    if scope.locality_id is None:
        return None
    day = day or timezone.localdate()
    place = user.assignment.locality
    frame = Frame.of(user)
    sel = select(None, frame, plans=plans, today=day, locality=place)
    todo = metrics.reports_to_handle(frame, locality=place, as_of=day)
    due = todo.due_soon_on(day) | todo.overdue_on(day)
    counts = due.aggregate(
        total=Count("pk"), overdue=Count("pk", filter=ReportQuerySet.overdue_on_q(day))
    )
    reports = list(due[:DIGEST_LIST_LIMIT])
    for report in reports:
        report.days_left_now = report.days_left(day)
        report.days_overdue = -report.days_left_now
        report.overdue = report.status(day) == ReportStatus.OVERDUE
        report.path = report.get_absolute_url()
    never = metrics.never_inspected(frame, locality=place, plan=sel.plan, as_of=day)
    never_list = list(never[:DIGEST_LIST_LIMIT])
    for establishment in never_list:
        establishment.path = establishment.get_absolute_url()
    return Digest(
        day=day,
        place=place,
        plan=sel.plan,
        reports=reports,
        report_count=counts["total"],
        overdue_count=counts["overdue"],
        never=never_list,
        never_count=never.count(),
        work_path=sel.url("work_lists", place.pk),
        never_path=never_inspected_link(sel, place),
    )


def render_digest(user, digest: Digest) -> EmailMultiAlternatives:
    """The e-mail of a digest, in the current language: plain text and HTML, every link absolute
    (PLAN_TRACKER_BASE_URL)."""
    context = {
        "user": user,
        "digest": digest,
        "base_url": settings.PLAN_TRACKER_BASE_URL,
        "preference_url": absolute(reverse("digest_preference")),
    }
    subject = " ".join(render_to_string("digests/subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("digests/digest.txt", context),
        to=[user.email],
    )
    message.attach_alternative(render_to_string("digests/digest.html", context), "text/html")
    return message


def officers():
    """Active users placed in one area, with what the digest needs of them in the same query."""
    return (
        get_user_model()
        .objects.filter(is_active=True, assignment__locality__isnull=False)
        .select_related("assignment__locality", "digest_preference")
        .order_by("pk")
    )


def preference_of(user) -> DigestPreference | None:
    try:
        return user.digest_preference
    except DigestPreference.DoesNotExist:
        return None


@dataclass
class Outcome:
    """How a sending went, in counts (never a name)."""

    day: datetime.date
    sent: int = 0
    opted_out: int = 0
    no_email: int = 0
    nothing_due: int = 0
    already_sent: int = 0
    failed: int = 0
    sent_to: list = field(default_factory=list, repr=False)

    @property
    def skipped(self) -> int:
        return self.opted_out + self.no_email + self.nothing_due + self.already_sent

    def counts(self) -> dict:
        data = asdict(self)
        data.pop("sent_to")
        data["day"] = self.day.isoformat()
        data["skipped"] = self.skipped
        return data


def send_digests(*, day: datetime.date | None = None) -> Outcome:
    """Mail the day's digest to every officer who should get it (see the module's docstring).

    A digest is claimed before it is sent (its user's ``last_sent_on`` set to the day in one
    conditional UPDATE), so two runs at once, or a second run the same day, mail nobody twice;
    a digest that could not be sent is released for the next run."""
    day = day or timezone.localdate()
    outcome = Outcome(day=day)
    plans = list(Plan.objects.prefetch_related("targets"))
    users = [user for user in officers() if scope_of(user).locality_id is not None]
    DigestPreference.objects.bulk_create(
        [DigestPreference(user=user) for user in users if preference_of(user) is None],
        ignore_conflicts=True,
    )
    with get_connection() as connection:
        for user in users:
            preference = preference_of(user)
            language = (preference and preference.language) or settings.LANGUAGE_CODE
            if not user.email:
                outcome.no_email += 1
            elif preference is not None and not preference.enabled:
                outcome.opted_out += 1
            elif preference is not None and preference.last_sent_on == day:
                outcome.already_sent += 1
            else:
                with translation.override(language):
                    _send_one(user, day, plans, connection, outcome)
    logger.info(
        "Daily digest of %s: %d sent, %d skipped (%d turned off, %d without e-mail, "
        "%d with nothing due, %d already sent), %d failed",
        day.isoformat(),
        outcome.sent,
        outcome.skipped,
        outcome.opted_out,
        outcome.no_email,
        outcome.nothing_due,
        outcome.already_sent,
        outcome.failed,
    )
    return outcome


def _send_one(user, day, plans, connection, outcome: Outcome):
    digest = build_digest(user, day=day, plans=plans)
    if digest is None or digest.empty:
        outcome.nothing_due += 1
        return
    claimed = DigestPreference.objects.filter(user=user).exclude(last_sent_on=day)
    preference = preference_of(user)
    previous = preference.last_sent_on if preference else None
    if not claimed.update(last_sent_on=day):
        outcome.already_sent += 1
        return
    message = render_digest(user, digest)
    message.connection = connection
    try:
        message.send()
    except Exception:
        DigestPreference.objects.filter(user=user, last_sent_on=day).update(last_sent_on=previous)
        logger.exception("A daily digest could not be sent; it will be sent at the next run")
        outcome.failed += 1
        return
    outcome.sent += 1
    outcome.sent_to.append(user.pk)


# ---------------------------------------------------------------------------------------------
# The schedule


def next_run_after(moment: datetime.datetime) -> datetime.datetime:
    """The first PLAN_TRACKER_DIGEST_HOUR:00, local time, after `moment`."""
    zone = timezone.get_default_timezone()
    local = timezone.localtime(moment, zone)
    hour = datetime.time(settings.PLAN_TRACKER_DIGEST_HOUR)
    run = datetime.datetime.combine(local.date(), hour, tzinfo=zone)
    if run <= local:
        run = datetime.datetime.combine(local.date() + datetime.timedelta(days=1), hour, zone)
    return run


@task()
def send_daily_digests() -> dict:
    """The task queue's daily run: send the day's digests, then make sure the next run waits
    for the next morning (also when this one failed, so that the schedule survives)."""
    try:
        outcome = send_digests()
    finally:
        schedule_next_run()
    return outcome.counts()


@dataclass
class Schedule:
    """What schedule_next_run found or did. `state`: "unsupported" (the backend runs tasks at
    once and cannot wait), "waiting" (a run was waiting already) or "enqueued"."""

    state: str
    run_after: datetime.datetime | None = None
    removed: int = 0


def schedule_next_run(*, now: datetime.datetime | None = None) -> Schedule:
    """Make sure exactly one run of the digest is waiting: the earliest waiting one is kept
    (others are removed), or one is enqueued for the next digest hour."""
    backend = send_daily_digests.get_backend()
    if not backend.supports_defer:
        return Schedule("unsupported")
    waiting = _waiting_runs(backend)
    if waiting:
        (run_after, _keep), *extra = sorted(waiting, key=lambda run: run[0])
        for _when, remove in extra:
            remove()
        return Schedule("waiting", run_after, removed=len(extra))
    run_after = next_run_after(now or timezone.now())
    send_daily_digests.using(run_after=run_after).enqueue()
    return Schedule("enqueued", run_after)


def _waiting_runs(backend) -> list:
    """(run_after, remove) of each run of the digest task waiting on `backend`."""
    path = send_daily_digests.module_path
    name = type(backend).__name__
    if name == "DatabaseBackend":
        from django_tasks_db.models import DBTaskResult

        rows = DBTaskResult.objects.filter(
            backend_name=backend.alias, task_path=path, status=TaskResultStatus.READY
        )
        return [
            (row.run_after, DBTaskResult.objects.filter(pk=row.pk).delete)
            for row in rows.only("pk", "run_after")
        ]
    if name == "RQBackend":
        return _waiting_rq_jobs(path)
    if name == "DummyBackend":
        return [
            (result.task.run_after, lambda result=result: backend.results.remove(result))
            for result in list(backend.results)
            if result.task.module_path == path and result.status == TaskResultStatus.READY
        ]
    raise NotImplementedError(f"Waiting runs cannot be listed on the backend {name}.")


def _waiting_rq_jobs(path: str) -> list:
    import django_rq

    queue = django_rq.get_queue(send_daily_digests.queue_name)
    registry = queue.scheduled_job_registry
    jobs = [job for job in queue.job_class.fetch_many(registry.get_job_ids(), queue.connection)]
    return [
        (registry.get_scheduled_time(job), lambda job=job: job.delete())
        for job in jobs
        if job is not None and job.func_name == path
    ]
