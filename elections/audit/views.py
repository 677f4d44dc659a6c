"""The auditor's workspace: search, record, PDF download, exports, verification, dashboard and
the access log. Read-only across every field office; every view is ``auditor_view`` (auditors
only, each look recorded in the access log).
"""

import csv
import json
import logging
from datetime import UTC
from html import escape as html_escape

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    JsonResponse,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from elections import rules, selectors, undocumented
from elections.access_log import access_log_record, auditor_view
from elections.constants import Decision, Status
from elections.links import link_for_each
from elections.models import AccessAction, ExportJob, FieldOffice
from elections.names import spreadsheet_safe
from elections.records import storage
from elections.records.sealed_state import election_as_shown
from elections.templatetags.formsvc import local_time

from . import charts, exports, gate, keyset, tasks, verify_uploads
from . import selectors as audit_selectors
from .forms import (
    FLAG_CHOICES,
    AccessLogSearchForm,
    AuditSearchForm,
    RemovalFilterForm,
    VerifyForm,
)

logger = logging.getLogger("formsvc.audit")

PAGE_SIZE = 50


# --- The list's columns, shared by the page and the CSV --------------------------------------


def _flag_labels() -> dict[str, str]:
    return {key: str(label) for key, label in FLAG_CHOICES}


def list_columns() -> list[str]:
    """The search list's columns, in order; the CSV export has exactly these."""
    return [
        _("Reference"),
        _("Record id"),
        _("Parent"),
        _("Parent's A-number"),
        _("Children"),
        _("Decisions"),
        _("Field office"),
        _("Status"),
        _("Started"),
        _("Submitted"),
        _("Approved"),
        _("Flags"),
    ]


def list_row(election, *, flag_labels: dict[str, str], as_text) -> list[str]:
    """One election as the CSV lists it; ``as_text`` formats a moment (UTC ISO 8601)."""
    covered = list(election.covered.all())
    return [
        election.reference,
        str(election.pk),
        election.parent.full_name,
        election.parent.a_number_display,
        "; ".join(
            f"{item.child.full_name} ({item.child.a_number_display or '—'})" for item in covered
        ),
        "; ".join(item.get_decision_display() or _("none") for item in covered),
        election.office.name,
        election.get_status_display(),
        as_text(election.created_at, election),
        as_text(election.submitted_at, election),
        as_text(election.approved_at, election),
        "; ".join(flag_labels[f] for f in audit_selectors.election_flags(election)),
    ]


def _utc_text(moment) -> tuple[str, str] | None:
    """A moment as the search list shows it: the UTC date and the UTC time, apart."""
    if not moment:
        return None
    utc = moment.astimezone(UTC)
    return (f"{utc:%Y-%m-%d}", f"{utc:%H:%M}")


def _utc_iso(moment, _election) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds") if moment else ""


# --- Search ----------------------------------------------------------------------------------


def _labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}


def _search_rows(elections) -> list[dict]:
    """The page's rows: each label translated once for the page, not once a row (a model's
    ``get_..._display`` translates every choice of the field each time)."""
    statuses, decisions = _labels(Status), _labels(Decision)
    rows = []
    for election in elections:
        covered = list(election.covered.all())
        rows.append(
            {
                "election": election,
                "status": statuses.get(election.status, election.status),
                "covered": [
                    {
                        "name": item.child.full_name,
                        "a_number": item.child.a_number_display,
                        "decision": decisions.get(item.decision, item.decision),
                    }
                    for item in covered
                ],
                "flags": audit_selectors.election_flags(election),
                # The page's times, in UTC like the date filters (the CSV's are UTC too).
                "moments": [
                    _utc_text(election.created_at),
                    _utc_text(election.submitted_at),
                    _utc_text(election.approved_at),
                ],
            }
        )
    return rows


def _search_rows_html(rows: list[dict], flag_labels: dict[str, str]) -> SafeString:
    """The list's rows (``_search_rows``) made in one piece: 50 rows of nine cells were most of
    the page's time as a template loop. Every value is escaped here; the markup is the list's."""
    record = link_for_each("audit:record")
    nobody, no_decision = "—", html_escape(_("none"))
    made = []
    for row in rows:
        election = row["election"]
        covered = "".join(
            ' <li class="covered-child"><span class="covered-name">'
            f'{html_escape(item["name"])}</span> <span class="small text-body-secondary '
            f'text-nowrap">{html_escape(item["a_number"] or nobody)}</span> <span class="badge '
            'decision-badge covered-decision">'
            f"{html_escape(item['decision']) if item['decision'] else no_decision}</span></li>"
            for item in row["covered"]
        )
        moments = "".join(
            '<td class="moment"><span class="text-nowrap">'
            f'{html_escape(moment[0])}</span> <span class="text-nowrap">{html_escape(moment[1])}'
            "</span></td>"
            if moment
            else '<td class="moment"></td>'
            for moment in row["moments"]
        )
        flags = "".join(
            f'<span class="badge flag flag-{html_escape(flag)}">'
            f"{html_escape(flag_labels[flag])}</span> "
            for flag in row["flags"]
        )
        made.append(
            f'<tr> <th scope="row" class="reference"><a href="{record(election.pk)}">'
            f"{html_escape(election.reference)}</a></th> <td>"
            f'{html_escape(election.parent.full_name)}<br><span class="small '
            f'text-body-secondary text-nowrap">{html_escape(election.parent.a_number_display)}'
            f'</span></td> <td><ul class="list-unstyled mb-0 covered-list">{covered}'
            f"{' ' if covered else ''}</ul></td> <td>{html_escape(election.office.name)}</td> "
            f'<td><span class="badge status-{html_escape(election.status)}">'
            f"{html_escape(row['status'])}</span></td> {moments} <td>{flags}</td> </tr>\n"
        )
    return SafeString("".join(made))


@require_GET
@auditor_view
def search(request):
    form = AuditSearchForm(request.GET if request.GET else None)
    filters = form.filters() if form.is_bound else AuditSearchForm(None).filters()
    matches = audit_selectors.audit_election_matches(filters=filters)
    column, ascending, nullable = audit_selectors.search_sort(filters=filters)
    page = keyset.keyset_page(
        matches,
        rows=audit_selectors.audit_election_rows(),
        column=column,
        ascending=ascending,
        nullable=nullable,
        after=request.GET.get("after"),
        before=request.GET.get("before"),
        size=PAGE_SIZE,
    )
    rows = _search_rows(page.rows)
    query = request.GET.copy()
    for moved in ("page", "after", "before"):
        query.pop(moved, None)
    return render(
        request,
        "audit/search.html",
        {
            "form": form,
            "filter_problems": form.messages,
            "page": page,
            "columns": list_columns(),
            "rows": rows,
            "rows_html": _search_rows_html(rows, _flag_labels()),
            "query": query.urlencode(),
            "count_cap": f"{keyset.CAP:,}",
            "stream_max": settings.FORMSVC_EXPORT_STREAM_MAX,
            "export_max": settings.FORMSVC_EXPORT_MAX_RECORDS,
        },
    )


class _Echo:
    """A file-like object csv.writer writes a row into, so each row is streamed as it comes."""

    def write(self, value):
        return value


@require_GET
@auditor_view(log_page=False)
def search_csv(request):
    form = AuditSearchForm(request.GET if request.GET else None)
    filters = form.filters() if form.is_bound else AuditSearchForm(None).filters()
    results = audit_selectors.audit_election_search(filters=filters)
    count = results.count()
    maximum = settings.FORMSVC_CSV_EXPORT_MAX_ROWS
    detail = {"query": request.GET.urlencode(), "records": count, "maximum": maximum}
    if count > maximum:
        access_log_record(
            request=request,
            action=AccessAction.EXPORT_CSV,
            detail={**detail, "refused": True},
            status_code=302,
        )
        messages.error(
            request,
            _(
                "This search has %(count)s records; a CSV export holds at most %(max)s. "
                "Narrow the search and export again."
            )
            % {"count": f"{count:,}", "max": f"{maximum:,}"},
        )
        return redirect(reverse("audit:search") + "?" + request.GET.urlencode())
    access_log_record(
        request=request, action=AccessAction.EXPORT_CSV, detail=detail, status_code=200
    )
    flag_labels = _flag_labels()
    writer = csv.writer(_Echo())

    def rows():
        yield "\ufeff"  # spreadsheets read UTF-8 names correctly with the byte-order mark
        yield writer.writerow(list_columns())
        for election in results.iterator(chunk_size=500):
            cells = list_row(election, flag_labels=flag_labels, as_text=_utc_iso)
            yield writer.writerow([spreadsheet_safe(cell) for cell in cells])

    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="elections-{stamp}.csv"'
    return response


# --- One record --------------------------------------------------------------------------------


def _whole(minutes: float | None) -> int | None:
    return None if minutes is None else int(minutes)


@require_GET
@auditor_view
def record(request, pk):
    election = audit_selectors.audit_election(election_id=pk)
    request.audited_election = election
    sealed = exports.sealed_record_for(election)
    removals = gate.parent_removals(election.parent_id)
    # An approved or superseded record as it was sealed, not as the shared rows read today.
    election = election_as_shown(election)
    return render(
        request,
        "audit/record.html",
        {
            "election": election,
            "signatures": {s.role: s for s in election.signatures.all()},
            "minutes": _whole(rules.minutes_to_decide(election)),
            "fast": rules.is_fast_decision(election),
            "warnings": rules.warnings(election),
            "history": selectors.election_history(election=election),
            "chain": audit_selectors.election_chain(election=election),
            "sealed": sealed,
            # The parent's copy is the sealed PDF: the auditor gets it through their own logged
            # download (the officers' link answers only in the record's office).
            "parent_copy_url": reverse("audit:record_pdf", args=[election.pk]),
            "verification": verify_uploads.verify_stored(sealed) if sealed else None,
            "flag_labels": _flag_labels(),
            "flags": audit_selectors.election_flags(election),
            "removals": [
                {"removal": removal, "flags": gate.flag_rows(removal)} for removal in removals
            ],
        },
    )


@require_GET
@auditor_view(log_page=False)
def record_pdf(request, pk):
    """The sealed PDF, byte for byte as stored at approval, checked against its SHA-256."""
    election = audit_selectors.audit_election(election_id=pk)
    sealed = exports.sealed_record_for(election)
    if sealed is None:
        access_log_record(
            request=request, action=AccessAction.PDF, election=election, status_code=404
        )
        raise Http404(_("This election has no sealed PDF: it was never approved."))
    try:
        checked = storage.checked_pdf(sealed)
    except storage.StoreUnavailable:
        access_log_record(
            request=request,
            action=AccessAction.PDF,
            election=election,
            detail={"refused": True, "store_unavailable": True},
            status_code=302,
        )
        messages.error(
            request,
            _(
                "The record store cannot be reached right now, so the PDF cannot be read. Nothing "
                "is lost; try again in a few minutes."
            ),
        )
        return redirect("audit:record", election.pk)
    if not checked.matches:
        checked.close()
        # Never hand out bytes that are not what was sealed; the record page says why.
        logger.critical("stored PDF of %s does not match its SHA-256", election.reference)
        access_log_record(
            request=request,
            action=AccessAction.PDF,
            election=election,
            detail=storage.integrity_detail(checked),
            status_code=302,
        )
        messages.error(
            request,
            _(
                "The stored PDF no longer matches the SHA-256 recorded when it was sealed, so it "
                "is not served. Report this record."
            ),
        )
        return redirect("audit:record", election.pk)
    access_log_record(
        request=request,
        action=AccessAction.PDF,
        election=election,
        detail={"sha256": checked.sha256, "size": checked.size},
        status_code=200,
    )
    return storage.pdf_response(
        checked, filename=exports.pdf_file_name(election), as_attachment=True
    )


# --- Bulk export -------------------------------------------------------------------------------


@require_POST
@auditor_view(log_page=False)
def export_zip(request):
    query = request.POST.get("query", "")
    params = QueryDict(query)
    form = AuditSearchForm(params if params else None)
    filters = form.filters() if form.is_bound else AuditSearchForm(None).filters()
    elections = audit_selectors.audit_election_search(filters=filters)
    count = exports.exportable(elections).count()
    maximum = settings.FORMSVC_EXPORT_MAX_RECORDS
    detail = {"query": query, "records": count, "maximum": maximum}
    back = reverse("audit:search") + ("?" + query if query else "")
    if count == 0:
        access_log_record(
            request=request,
            action=AccessAction.EXPORT_ZIP,
            detail={**detail, "refused": True},
            status_code=302,
        )
        messages.error(request, _("No record in this search has a sealed PDF to export."))
        return redirect(back)
    if count > maximum:
        access_log_record(
            request=request,
            action=AccessAction.EXPORT_ZIP,
            detail={**detail, "refused": True},
            status_code=302,
        )
        messages.error(
            request,
            _(
                "This search has %(count)s sealed records; an export holds at most %(max)s. "
                "Narrow the search and export again."
            )
            % {"count": f"{count:,}", "max": f"{maximum:,}"},
        )
        return redirect(back)
    if count <= settings.FORMSVC_EXPORT_STREAM_MAX:
        access_log_record(
            request=request,
            action=AccessAction.EXPORT_ZIP,
            detail={**detail, "mode": "streamed"},
            status_code=200,
        )
        stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
        response = StreamingHttpResponse(
            exports.stream_zip(elections), content_type="application/zip"
        )
        response["Content-Disposition"] = f'attachment; filename="records-{stamp}.zip"'
        return response
    job = tasks.export_job_start(requested_by=request.user, query=query, total=count)
    access_log_record(
        request=request,
        action=AccessAction.EXPORT_ZIP,
        detail={**detail, "mode": "background", "job": str(job.pk)},
        status_code=302,
    )
    messages.info(
        request,
        _("%(count)s records are being exported in the background.") % {"count": f"{count:,}"},
    )
    return redirect("audit:export_job", job.pk)


def _own_job(request, pk) -> ExportJob:
    return get_object_or_404(ExportJob, pk=pk, requested_by=request.user)


@require_GET
@auditor_view
def export_list(request):
    exports.export_jobs_expire()
    jobs = ExportJob.objects.filter(requested_by=request.user).order_by("-created_at")[:50]
    return render(
        request,
        "audit/exports.html",
        {"jobs": jobs, "link_hours": settings.FORMSVC_EXPORT_LINK_HOURS},
    )


@require_GET
@auditor_view
def export_job(request, pk):
    job = _own_job(request, pk)
    return render(
        request,
        "audit/export_job.html",
        {"job": job, "link_hours": settings.FORMSVC_EXPORT_LINK_HOURS},
    )


@require_GET
@auditor_view(log_page=False)
def export_status(request, pk):
    # Polled every second or two by the progress bar: it shows no record, so it is not logged
    # (the job page and the download are).
    job = _own_job(request, pk)
    return JsonResponse(
        {
            "state": job.state,
            "state_label": job.get_state_display(),
            "done": job.done,
            "total": job.total,
            "percent": job.percent,
            "download_url": reverse("audit:export_download", args=[job.pk])
            if job.is_downloadable
            else None,
            "manifest_sha256": job.manifest_sha256,
            "error": job.error,
        }
    )


@require_GET
@auditor_view(log_page=False)
def export_download(request, pk):
    job = _own_job(request, pk)
    detail = {"job": str(job.pk), "records": job.total, "manifest_sha256": job.manifest_sha256}
    if not job.is_downloadable:
        exports.export_jobs_expire()
        access_log_record(
            request=request,
            action=AccessAction.EXPORT_DOWNLOAD,
            detail={**detail, "refused": True, "state": job.state},
            status_code=410,
        )
        return render(
            request,
            "audit/export_job.html",
            {"job": job, "gone": True, "link_hours": settings.FORMSVC_EXPORT_LINK_HOURS},
            status=410,
        )
    try:
        stored = exports.open_export(job)
    except storage.StoreUnavailable:
        access_log_record(
            request=request,
            action=AccessAction.EXPORT_DOWNLOAD,
            detail={**detail, "refused": True, "store_unavailable": True},
            status_code=503,
        )
        return render(
            request,
            "audit/export_job.html",
            {"job": job, "store_down": True, "link_hours": settings.FORMSVC_EXPORT_LINK_HOURS},
            status=503,
        )
    access_log_record(
        request=request, action=AccessAction.EXPORT_DOWNLOAD, detail=detail, status_code=200
    )
    response = FileResponse(
        stored,
        content_type="application/zip",
        as_attachment=True,
        filename=f"records-{job.created_at:%Y%m%dT%H%M%SZ}.zip",
    )
    response.block_size = storage.CHUNK
    response["Content-Length"] = str(stored.size)
    response["Cache-Control"] = "private, no-store"
    return response


# --- Verify ----------------------------------------------------------------------------------


def _verify_refused(request, reason: str):
    access_log_record(
        request=request,
        action=AccessAction.VERIFY,
        detail={"refused": True, "reason": reason},
        status_code=413,
    )
    return render(
        request, "audit/verify.html", {"form": VerifyForm(), "refusal": reason}, status=413
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
@auditor_view(log_page=False)
def verify(request):
    """Upload one PDF or an exported ZIP; each file is reported valid, tampered or unknown.

    The upload's size is checked before Django reads the body, so this view sets the upload
    handlers itself and checks CSRF afterwards (``csrf_protect`` on ``_verify``).
    """
    if request.method == "POST":
        refusal = verify_uploads.refuse_oversized_upload(request)
        if refusal is not None:
            return _verify_refused(request, refusal)
        try:
            request.POST  # noqa: B018 - reads the body through the upload handlers now
        except verify_uploads.UploadTooLarge as error:
            return _verify_refused(request, str(error))
    return _verify(request)


@csrf_protect
def _verify(request):
    if request.method != "POST":
        access_log_record(request=request, action=AccessAction.PAGE, status_code=200)
        return render(request, "audit/verify.html", {"form": VerifyForm()})
    form = VerifyForm(request.POST, request.FILES)
    if not form.is_valid():
        access_log_record(
            request=request,
            action=AccessAction.VERIFY,
            detail={"refused": True, "reason": "no file"},
            status_code=400,
        )
        return render(request, "audit/verify.html", {"form": form}, status=400)
    report = verify_uploads.verify_upload(form.cleaned_data["file"])
    status = 200 if report.refusal is None else 400
    access_log_record(
        request=request, action=AccessAction.VERIFY, detail=report.log_detail(), status_code=status
    )
    return render(
        request, "audit/verify.html", {"form": VerifyForm(), "report": report}, status=status
    )


# --- Dashboard -------------------------------------------------------------------------------


def _as_of_by_time_zone(moment) -> list[dict]:
    """When the figures were last counted, in each field office's time zone (offices sharing
    one are named together)."""
    if moment is None:
        return []
    zones: dict[str, list[str]] = {}
    for name, zone in FieldOffice.objects.order_by("name").values_list("name", "time_zone"):
        zones.setdefault(zone, []).append(name)
    language = translation.get_language()
    return [
        {"time": local_time(moment, zone, language), "offices": ", ".join(names)}
        for zone, names in sorted(zones.items(), key=lambda item: item[1][0])
    ]


@require_GET
@auditor_view
def dashboard(request):
    return render(
        request,
        "audit/dashboard.html",
        {
            "as_of": _as_of_by_time_zone(audit_selectors.figures_as_of()),
            "charts": charts.dashboard_charts(),
            "flag_counts": gate.flag_counts(),
            "removal_totals": gate.removal_totals(),
        },
    )


# --- Removals: the report of Recommendation 2 and the flagged removals --------------------------


def _removal_filters(request):
    form = RemovalFilterForm(request.GET if request.GET else None)
    return form, form.selected_office()


def _report_logged(request, *, as_format: str):
    """The report's entries for the office asked for, with the access-log entry of this look."""
    form, office = _removal_filters(request)
    entries = undocumented.report_entries(office_id=office.pk if office else None)
    access_log_record(
        request=request,
        action=AccessAction.REPORT,
        detail={
            "format": as_format,
            "office": office.code if office else "",
            "entries": len(entries),
        },
        status_code=200,
    )
    return form, office, entries


@require_GET
@auditor_view(log_page=False)
def removals_report(request):
    """Parents removed without an approved final election covering each child."""
    form, office, entries = _report_logged(request, as_format="page")
    query = request.GET.copy()
    query.pop("flag", None)
    return render(
        request,
        "audit/removals_report.html",
        {
            "form": form,
            "filter_problems": form.messages,
            "office": office,
            "rows": gate.report_rows(entries),
            "query": query.urlencode(),
        },
    )


@require_GET
@auditor_view(log_page=False)
def removals_report_csv(request):
    form, office, entries = _report_logged(request, as_format="csv")
    writer = csv.writer(_Echo())

    def rows():
        yield "\ufeff"
        yield writer.writerow(undocumented.CSV_HEADER)
        for row in undocumented.csv_rows(entries):
            yield writer.writerow(row)

    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="removed-without-a-documented-choice-{stamp}.csv"'
    )
    return response


@require_GET
@auditor_view
def removals_flagged(request):
    """Every removal that departed from the clearance, the parent cleared or not."""
    form, office = _removal_filters(request)
    flag = form.selected_flag()
    removals = gate.flagged_removals(flag=flag or None, office_id=office.pk if office else None)
    page = Paginator(removals, PAGE_SIZE).get_page(request.GET.get("page"))
    latest = gate.latest_elections({removal.parent_id for removal in page.object_list})
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/removals_flagged.html",
        {
            "form": form,
            "filter_problems": form.messages,
            "page": page,
            "rows": [
                {
                    "removal": removal,
                    "flags": gate.flag_rows(removal),
                    "election": latest.get(removal.parent_id),
                }
                for removal in page.object_list
            ],
            "query": query.urlencode(),
        },
    )


# --- Access log ------------------------------------------------------------------------------


def access_log_columns() -> list[str]:
    return [
        _("When (UTC)"),
        _("User"),
        _("Role"),
        _("Action"),
        _("Address"),
        _("Status"),
        _("Record"),
        _("IP address"),
        _("Browser"),
        _("Detail"),
    ]


def access_log_row(entry) -> list[str]:
    return [
        entry.at.astimezone(UTC).isoformat(timespec="seconds"),
        entry.username,
        entry.role,
        entry.get_action_display(),
        entry.path,
        "" if entry.status_code is None else str(entry.status_code),
        entry.election.reference if entry.election_id else "",
        entry.ip_address or "",
        entry.user_agent,
        json.dumps(entry.detail, ensure_ascii=False, sort_keys=True) if entry.detail else "",
    ]


@require_GET
@auditor_view
def access_log(request):
    form = AccessLogSearchForm(request.GET if request.GET else None)
    filters = form.filters() if form.is_bound else AccessLogSearchForm(None).filters()
    page = Paginator(audit_selectors.access_log_search(filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/access_log.html",
        {
            "form": form,
            "filter_problems": form.messages,
            "page": page,
            "query": query.urlencode(),
        },
    )


@require_GET
@auditor_view(log_page=False)
def access_log_csv(request):
    form = AccessLogSearchForm(request.GET if request.GET else None)
    filters = form.filters() if form.is_bound else AccessLogSearchForm(None).filters()
    entries = audit_selectors.access_log_search(filters=filters)
    count = entries.count()
    # Recorded before the rows are read, so the export itself is part of what it exports.
    access_log_record(
        request=request,
        action=AccessAction.LOG_EXPORT,
        detail={"query": request.GET.urlencode(), "entries": count + 1},
        status_code=200,
    )
    writer = csv.writer(_Echo())

    def rows():
        yield "\ufeff"
        yield writer.writerow(access_log_columns())
        for entry in entries.iterator(chunk_size=1000):
            yield writer.writerow([spreadsheet_safe(cell) for cell in access_log_row(entry)])

    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="access-log-{stamp}.csv"'
    return response
