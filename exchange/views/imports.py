"""The import pages: upload → preview → confirm, the import jobs of large files, the templates.

A file of up to settings.IMPORT_INLINE_MAX_ROWS rows is checked in the preview's request and
imported in the confirm's; a larger one gets an ImportJob (exchange/jobs.py) whose check and
import run as tasks of the task queue while its page shows the progress, then the same preview.
The upload waits in the storage (default_storage, jobs.UPLOAD_FOLDER) under a key kept in the
session, a day at most.
"""

import functools
import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from exchange import jobs
from exchange.exports import XLSX_CONTENT_TYPE
from exchange.forms import ImportUploadForm
from exchange.imports import (
    FileRefused,
    column_help,
    count_rows,
    import_file,
    template_csv,
    template_xlsx,
)
from exchange.kinds import KINDS
from exchange.models import ImportJob
from localities.permissions import can_import

SESSION_KEY = "exchange_import"
# How often the job page asks for news while a job runs (milliseconds).
POLL_MS = 1000


def _require_import(user):
    if not can_import(user):
        raise PermissionDenied(_("Your role may read records but not import them."))


def _stored(request):
    """The uploaded file kept for this session and its name in the storage, or Nones."""
    info = request.session.get(SESSION_KEY)
    if not info:
        return None, None
    name = info.get("file") or jobs.upload_name(info["id"], info["fmt"])
    if not info.get("job") and not default_storage.exists(name):
        request.session.pop(SESSION_KEY, None)
        return None, None
    return info, name


def _session_job(request, info):
    if not info or not info.get("job"):
        return None
    return ImportJob.objects.filter(pk=info["job"], user=request.user).first()


def _forget(request):
    """Discard the session's upload: its file, and its job unless that is importing."""
    info, name = _stored(request)
    job = _session_job(request, info)
    if job is not None:
        jobs.cancel(job)  # unless it is importing
    elif name is not None:
        jobs.delete_upload(name)
    request.session.pop(SESSION_KEY, None)


def _forget_job(request, job):
    info = request.session.get(SESSION_KEY)
    if info and info.get("job") == job.pk:
        request.session.pop(SESSION_KEY, None)


def _purge_old_uploads():
    jobs.purge_old_jobs()
    jobs.purge_old_uploads()


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    _require_import(request.user)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        _forget(request)
        _purge_old_uploads()
        upload = form.cleaned_data["file"]
        fmt = "xlsx" if upload.name.lower().endswith(".xlsx") else "csv"
        key = uuid.uuid4().hex
        stored = jobs.save_upload(upload, key=key, fmt=fmt)
        info = {
            "id": key,
            "fmt": fmt,
            "file": stored,
            "kind": form.cleaned_data["kind"],
            "name": upload.name,
        }
        with jobs.local_file(stored) as path:
            rows = count_rows(path, fmt)
            inline = jobs.runs_inline(rows, path, fmt)
            rows = None if inline else jobs.known_rows(rows, path, fmt)
        if inline:
            following = reverse("import_preview")
        else:
            job = jobs.create(
                user=request.user,
                kind=info["kind"],
                fmt=fmt,
                name=upload.name,
                key=key,
                stored=stored,
                rows=rows,
            )
            info["job"] = job.pk
            following = reverse("import_job", args=[job.pk])
        request.session[SESSION_KEY] = info
        if request.headers.get("X-Requested-With") == "XMLHttpRequest":
            return JsonResponse({"next": following})
        return redirect(following)
    kinds = [
        {
            "id": kind.id,
            "label": kind.label,
            "columns": column_help(kind),
        }
        for kind in KINDS.values()
    ]
    recent = list(ImportJob.objects.filter(user=request.user)[:5])
    for job in recent:
        job.kind_label = _kind_label(job.kind)
        job.interrupted = jobs.interrupted(job)
    return render(
        request,
        "exchange/import_upload.html",
        {"form": form, "kinds": kinds, "recent_jobs": recent},
    )


def _inline_upload(view):
    """For the preview and the confirm of a file checked inside requests: an importer whose
    session holds no file is sent to the upload form, one whose file is a job's to the job's
    page; otherwise view(request, info, path) with a path to read the stored file from."""

    @functools.wraps(view)
    def wrapper(request):
        _require_import(request.user)
        info, name = _stored(request)
        if info is None:
            messages.info(request, _("Upload a file first."))
            return redirect("import_upload")
        if info.get("job"):
            return redirect("import_job", info["job"])
        with jobs.local_file(name) as path:
            return view(request, info, path)

    return wrapper


@login_required
@require_GET
@_inline_upload
def import_preview(request, info, path):
    context = {"info": info, "kind_label": KINDS[info["kind"]].label}
    try:
        context["result"] = import_file(
            info["kind"], path, user=request.user, commit=False, filename=f"x.{info['fmt']}"
        )
    except FileRefused as error:
        context["refused"] = str(error)
    return render(request, "exchange/import_preview.html", context)


@login_required
@require_POST
@_inline_upload
def import_confirm(request, info, path):
    try:
        # Checked again: the records may have changed since the preview.
        result = import_file(
            info["kind"], path, user=request.user, commit=True, filename=f"x.{info['fmt']}"
        )
    except FileRefused as error:
        messages.error(request, str(error))
        return redirect("import_preview")
    if not result.ok:
        messages.error(
            request,
            _("The file no longer passes the checks: nothing was imported. See the errors below."),
        )
        return redirect("import_preview")
    _forget(request)
    message = _imported_message(info["name"], result)
    if result.batch is not None:
        message += " " + _imported_shown(result)
    messages.success(request, message)
    # The list of exactly the records the import wrote.
    return redirect(_imported_url(info["kind"], result.batch))


def _imported_message(name, result) -> str:
    return _("Imported %(name)s: %(new)s new, %(changed)s changed, %(unchanged)s unchanged.") % {
        "name": name,
        "new": intcomma(result.new),
        "changed": intcomma(result.changed),
        "unchanged": intcomma(result.unchanged),
    }


def _imported_shown(result) -> str:
    count = result.new + result.changed
    return ngettext(
        "The list shows the %(count)s record this import created or changed.",
        "The list shows the %(count)s records this import created or changed.",
        count,
    ) % {"count": intcomma(count)}


def _imported_url(kind: str, batch: int | None) -> str:
    """The kind's list narrowed to the records of the import `batch` (the whole list without
    one)."""
    url = _list_url(kind)
    if batch is None or url == reverse("import_upload"):
        return url
    return f"{url}?{urlencode({'import': batch})}"


def _kind_label(kind: str):
    return KINDS[kind].label if kind in KINDS else kind


def _list_url(kind: str) -> str:
    try:
        return reverse(KINDS[kind].list_url)
    except (KeyError, NoReverseMatch):
        return reverse("import_upload")


@login_required
@require_POST
def import_cancel(request):
    info, _name = _stored(request)
    job = _session_job(request, info)
    if job is not None and not jobs.can_cancel(job) and job.state == ImportJob.State.IMPORTING:
        messages.error(request, _("The import is under way and can no longer be stopped."))
        return redirect("import_job", job.pk)
    _forget(request)
    messages.info(request, _("The uploaded file was discarded; nothing was imported."))
    return redirect("import_upload")


# -- import jobs (large files) -----------------------------------------------------------------


def _own_job(request, pk) -> ImportJob:
    # Another user's job answers like one that does not exist, as out-of-scope records do.
    job = get_object_or_404(ImportJob.objects.select_related("user"), pk=pk, user=request.user)
    _require_import(request.user)
    return job


def _job_status(job) -> dict:
    done, total = jobs.progress(job)
    state = job.state
    interrupted = jobs.interrupted(job)
    values = {"done": intcomma(done), "total": intcomma(total)}
    if state == ImportJob.State.WAITING:
        text = _("Waiting to start…")
    elif state == ImportJob.State.CHECKING:
        text = (
            _("Checked %(done)s of %(total)s rows") % values
            if total is not None
            else _("Checked %(done)s rows") % values
        )
    elif state == ImportJob.State.IMPORTING and not jobs.progress_written(job):
        # SQLite: the import's progress is known when it ends, all rows at once.
        text = (
            _("Importing %(total)s rows: they are saved all at once when the last one is done")
            % values
            if total is not None
            else _("Importing: the rows are saved all at once when the last one is done")
        )
    elif state == ImportJob.State.IMPORTING:
        text = (
            _("Imported %(done)s of %(total)s rows") % values
            if total is not None
            else _("Imported %(done)s rows") % values
        )
    else:
        text = ""
    return {
        "state": state,
        "interrupted": interrupted,
        "rows_done": done,
        "rows_total": total,
        "percent": min(100, done * 100 // total) if total and jobs.progress_written(job) else None,
        "text": text,
    }


@login_required
@require_GET
def import_job(request, pk):
    job = _own_job(request, pk)
    State = ImportJob.State
    if job.state in (State.IMPORTED, State.CANCELLED):
        _forget_job(request, job)
    status = _job_status(job)
    context = {
        "job": job,
        "info": {"name": job.file_name},
        "kind_label": _kind_label(job.kind),
        "status": status,
        "interrupted": status["interrupted"],
        "can_cancel": jobs.can_cancel(job),
        "can_run_again": jobs.can_run_again(job),
        "poll_ms": POLL_MS,
        "list_url": _list_url(job.kind),
        "confirm_url": reverse("import_job_confirm", args=[job.pk]),
        "cancel_url": reverse("import_job_cancel", args=[job.pk]),
    }
    if job.state == State.CHECKED:
        context["result"] = jobs.result(job)
    elif job.state == State.IMPORTED:
        outcome = jobs.result(job)
        context["imported_message"] = _imported_message(job.file_name, outcome)
        context["imported_count"] = outcome.new + outcome.changed
        context["imported_url"] = _imported_url(job.kind, outcome.batch)
    elif job.state == State.FAILED and job.refused:
        context["refused"] = job.failure
    return render(request, "exchange/import_job.html", context)


@login_required
@require_GET
def import_job_status(request, pk):
    job = _own_job(request, pk)
    response = JsonResponse(_job_status(job))
    response["Cache-Control"] = "no-store"
    return response


def _job_step(step, refusal):
    """The view of a button on a job's page: `step(job)` on the user's job, or `refusal` said
    when the job's state refuses it; back to the job's page either way."""

    @login_required
    @require_POST
    def view(request, pk):
        job = _own_job(request, pk)
        if not step(job):
            messages.error(request, refusal)
        return redirect("import_job", job.pk)

    return view


# A file gone meanwhile is the run's to report, as it is for the check.
import_job_confirm = _job_step(
    jobs.confirm, gettext_lazy("This file cannot be imported as it stands: see below.")
)
import_job_retry = _job_step(
    jobs.run_again, gettext_lazy("This file is not stopped: there is nothing to run again.")
)


@login_required
@require_POST
def import_job_cancel(request, pk):
    job = _own_job(request, pk)
    if not jobs.cancel(job):
        messages.error(request, _("The import is under way and can no longer be stopped."))
        return redirect("import_job", job.pk)
    _forget_job(request, job)
    messages.info(request, _("The uploaded file was discarded; nothing was imported."))
    return redirect("import_upload")


@login_required
@require_GET
def import_template(request, kind, fmt):
    if kind not in KINDS or fmt not in ("csv", "xlsx"):
        raise Http404
    if fmt == "csv":
        response = HttpResponse(template_csv(KINDS[kind]), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(template_xlsx(KINDS[kind]), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="plan-tracker-{kind}.{fmt}"'
    return response
