"""The sealed record: the parent's copy for officers and supervisors, and the verification page.

The PDF served is always the stored sealed bytes, checked against their SHA-256 before they leave;
nothing here renders a PDF. Verification is open to anyone signed in: by uploading a PDF, or by
following the QR code printed on every record. Its page shows the record's reference, state and
hashes, never the people in it.
"""

import logging

from django import forms
from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from elections import access_log, selectors
from elections.models import Election
from elections.models.audit import AccessAction
from elections.models.sealing import SealedRecord

from .storage import StoreUnavailable, checked_pdf, integrity_detail, pdf_response
from .verification import verify_pdf, verify_stored

logger = logging.getLogger("formsvc.records")

PDF_MAGIC = b"%PDF-"


def _max_upload() -> int:
    return getattr(settings, "FORMSVC_VERIFY_MAX_PDF_BYTES", 20 * 1024 * 1024)


class RecordUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Sealed PDF"),
        help_text=_("The PDF of an approved election, as downloaded or received."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > _max_upload():
            raise forms.ValidationError(_("This file is too large to be a sealed record."))
        return upload


@require_http_methods(["GET"])
def record_pdf(request, pk):
    """The parent's copy: the sealed PDF exactly as stored at approval (own office only).

    Every request is written to the access log, as the auditor's download is: the copy served
    (with its SHA-256), a record with no sealed PDF, and an election outside the user's office,
    which answers 404 as if it did not exist.
    """
    try:
        election = selectors.election_for_editor(
            user=request.user,
            election_id=pk,
            queryset=Election.objects.select_related("sealed_record"),
        )
    except Http404:
        _log_copy(request, election=None, status_code=404)
        raise
    record = getattr(election, "sealed_record", None)
    if record is None:
        _log_copy(request, election=election, status_code=404)
        raise Http404
    try:
        checked = checked_pdf(record)
    except StoreUnavailable:
        _log_copy(request, election=election, status_code=503, detail={"store_unavailable": True})
        return render(
            request,
            "records/record_unavailable.html",
            {"election": election, "store_down": True},
            status=503,
        )
    if not checked.matches:
        checked.close()
        logger.critical("stored PDF of %s does not match its SHA-256", election.reference)
        _log_copy(
            request,
            election=election,
            status_code=503,
            detail=integrity_detail(checked),
        )
        return render(
            request,
            "records/record_unavailable.html",
            {"election": election},
            status=503,
        )
    logger.info("sealed PDF of %s served to %s", election.reference, request.user.get_username())
    _log_copy(
        request,
        election=election,
        status_code=200,
        detail={"sha256": checked.sha256, "size": checked.size, "copy": "parent"},
    )
    return pdf_response(checked, filename=f"record-{election.reference}.pdf", as_attachment=False)


def _log_copy(request, *, election, status_code: int, detail: dict | None = None) -> None:
    access_log.access_log_record(
        request=request,
        action=AccessAction.PDF,
        election=election,
        detail=detail,
        status_code=status_code,
    )


def _page(request, *, form, result, record=None, from_qr=False, status=200):
    record = record or (result.record if result else None)
    election = record.election if record else None
    return render(
        request,
        "records/verify.html",
        {
            "form": form,
            "result": result,
            "record": record,
            "election": election,
            "from_qr": from_qr,
            "superseded_by": getattr(election, "superseded_by", None) if election else None,
        },
        status=status,
    )


def _log_auditor_verification(request, result, *, election) -> None:
    """Auditors' every verification goes into their access log, wherever they verify from."""
    if access_log.is_auditor(request.user):
        access_log.access_log_record(
            request=request,
            action=AccessAction.VERIFY,
            election=election or (result.record.election if result.record else None),
            detail={"sha256": result.pdf_sha256, "ok": result.ok, "codes": list(result.codes)},
        )


@require_http_methods(["GET", "POST"])
def verify_upload(request):
    """Upload a PDF: is it a record we sealed, unaltered, and does the database still agree?"""
    form = RecordUploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        if not data.startswith(PDF_MAGIC):
            form.add_error("file", _("This file is not a PDF."))
        else:
            result = verify_pdf(data)
            logger.info(
                "verification by %s of %s: %s",
                request.user.get_username(),
                result.pdf_sha256,
                "valid" if result.ok else ",".join(result.codes),
            )
            _log_auditor_verification(request, result, election=None)
    return _page(request, form=form, result=result)


@require_http_methods(["GET"])
def verify_record(request, pk):
    """Where a record's QR code leads: the stored copy of that record, verified now."""
    record = (
        SealedRecord.objects.select_related("election", "election__office")
        .filter(election_id=pk)
        .first()
    )
    if record is None:
        raise Http404
    result = verify_stored(record)
    logger.info(
        "verification by %s of stored record %s: %s",
        request.user.get_username(),
        record.election.reference,
        "valid" if result.ok else ",".join(result.codes),
    )
    _log_auditor_verification(request, result, election=record.election)
    return _page(request, form=RecordUploadForm(), result=result, record=record, from_qr=True)
