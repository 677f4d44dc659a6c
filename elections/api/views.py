"""The API's endpoints (DESIGN.md §7). Thin: shape-checked by a serializer, decided by the domain
(``clearance``, ``intake``, ``removals``, ``undocumented``), logged like an auditor's look
(``access_log.service_access_record``), answered with the declared serializer.

Every view names the scope a token must carry (``required_scope``); a token limited to a field
office sees that office only: another office's elections are not found (404), and naming another
office, or asking about a parent known only elsewhere, is refused (403).
"""

import csv
import io
import json
import logging

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView
from rest_framework import exceptions, status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from elections import clearance, intake, removals, undocumented
from elections.access_log import service_access_record
from elections.models import AccessAction, Parent, RemovalSource
from elections.records import storage
from elections.records.sealed_state import SEALED_STATUSES, election_as_shown, sealed_record

from . import selectors
from .errors import Conflict, error_body
from .pagination import ElectionCursorPagination
from .permissions import OfficeNotAllowed, office_code_check
from .schema import errors
from .serializers import (
    ClearanceSerializer,
    ElectionDetailSerializer,
    ElectionFiltersSerializer,
    ElectionSummarySerializer,
    FamilyUnitSerializer,
    IntakeResultSerializer,
    RemovalRequestSerializer,
    RemovalResultSerializer,
    ReportSerializer,
)

logger = logging.getLogger("formsvc.api")

SCOPE_CLEARANCE = "clearance:read"
SCOPE_RECORDS = "records:read"
SCOPE_REMOVALS = "removals:write"
SCOPE_FAMILY_UNITS = "family_units:write"


def _log(request, action, **kwargs):
    return service_access_record(action=action, token=request.auth, request=request, **kwargs)


class NotFound(Http404):
    """A 404 with its own code (``unknown_parent``)."""

    def __init__(self, message, code="not_found"):
        super().__init__(message)
        self.code = code


ELECTION_ID = OpenApiParameter("id", OpenApiTypes.UUID, OpenApiParameter.PATH)


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = gettext_lazy("The request body is too large.")
    default_code = "too_large"


class RefuseOversized:
    """A body over DATA_UPLOAD_MAX_MEMORY_SIZE reaches the view as a GET with nothing read
    (elections/middleware.py, for the screens' forms): here it is a JSON 413."""

    def initial(self, request, *args, **kwargs):
        if getattr(request._request, "too_large_message", None) is not None:
            raise PayloadTooLarge
        super().initial(request, *args, **kwargs)


class ApiView(RefuseOversized, APIView):
    required_scope: str | None = None


# --- Elections ---------------------------------------------------------------------------------


def _people(election):
    """The parent and children as the record states them: an approved or superseded election
    from its sealed snapshot (the shared rows may have been corrected since), others as they
    stand."""
    record = sealed_record(election) if election.status in SEALED_STATUSES else None
    if record is not None:
        facts = json.loads(record.snapshot_json)["record"]
        parent = facts["parent"]
        children = [
            {
                "a_number": entry["child"]["a_number"],
                "name": entry["child"]["full_name"],
                "decision": entry["decision"],
            }
            for entry in facts["children"]
        ]
        return {"a_number": parent["a_number"], "name": parent["full_name"]}, children
    children = [
        {"a_number": item.child.a_number, "name": item.child.full_name, "decision": item.decision}
        for item in election.covered.all()
    ]
    return {"a_number": election.parent.a_number, "name": election.parent.full_name}, children


def election_summary(election) -> dict:
    parent, children = _people(election)
    record = sealed_record(election)
    return {
        "id": election.pk,
        "reference": election.reference,
        "status": election.status,
        "office": election.office.code,
        "parent": parent,
        "children": children,
        "approved_at": election.approved_at,
        "pdf_sha256": record.pdf_sha256 if record is not None else None,
    }


def election_detail(election) -> dict:
    record = sealed_record(election)
    shown = election_as_shown(election)
    interpreter = getattr(shown, "interpreter", None) if shown.uses_interpreter else None
    notice = shown.notice_version
    superseded_by = getattr(election, "superseded_by", None)
    return {
        "id": election.pk,
        "reference": election.reference,
        "status": election.status,
        "office": shown.office.code,
        "office_name": shown.office.name,
        "parent": {"a_number": shown.parent.a_number, "name": shown.parent.full_name},
        "children": [
            {
                "a_number": item.child.a_number,
                "name": item.child.full_name,
                "decision": item.decision,
            }
            for item in shown.covered.all()
        ],
        "notice_language": shown.notice_language,
        "notice_version": notice.version if notice is not None else None,
        "delivery_mode": shown.delivery_mode,
        "interpreter_language": interpreter.language if interpreter is not None else None,
        "signatures": [
            {"role": s.role, "method": s.method, "signed_at": s.signed_at}
            for s in shown.signatures.all()
        ],
        "created_at": shown.created_at,
        "notice_delivered_at": shown.notice_delivered_at,
        "submitted_at": shown.submitted_at,
        "returned_at": shown.returned_at,
        "approved_at": shown.approved_at,
        "superseded_at": election.superseded_at,
        "voided_at": election.voided_at,
        "supersedes": shown.supersedes_id,
        "superseded_by": superseded_by.pk if superseded_by is not None else None,
        "pdf_sha256": record.pdf_sha256 if record is not None else None,
        "record_pdf": reverse("api:election-pdf", args=[election.pk]) if record else None,
    }


class ElectionListView(RefuseOversized, GenericAPIView):
    required_scope = SCOPE_RECORDS
    pagination_class = ElectionCursorPagination
    serializer_class = ElectionSummarySerializer

    @extend_schema(
        operation_id="elections_list",
        summary="Elections, newest first",
        parameters=[ElectionFiltersSerializer],
        responses={200: ElectionSummarySerializer(many=True), **errors(400, 404)},
    )
    def get(self, request):
        filters = ElectionFiltersSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = selectors.api_election_search(token=request.auth, filters=filters.validated_data)
        page = self.paginate_queryset(qs)
        data = ElectionSummarySerializer([election_summary(e) for e in page], many=True).data
        _log(
            request,
            AccessAction.PAGE,
            detail={"filters": dict(filters.validated_data), "results": len(page)},
            status_code=200,
        )
        return self.get_paginated_response(data)


def _election_or_404(request, pk, *, action):
    try:
        return selectors.api_election(token=request.auth, election_id=pk)
    except Http404:
        _log(request, action, detail={"election_id": str(pk)}, status_code=404)
        raise


class ElectionDetailView(ApiView):
    required_scope = SCOPE_RECORDS

    @extend_schema(
        operation_id="elections_retrieve",
        summary="One election",
        parameters=[ELECTION_ID],
        responses={200: ElectionDetailSerializer, **errors(404)},
    )
    def get(self, request, pk):
        election = _election_or_404(request, pk, action=AccessAction.PAGE)
        data = ElectionDetailSerializer(election_detail(election)).data
        _log(request, AccessAction.PAGE, election=election, status_code=200)
        return Response(data)


class RecordPdfView(ApiView):
    required_scope = SCOPE_RECORDS

    @extend_schema(
        operation_id="elections_record_pdf",
        summary="The sealed PDF, byte for byte as stored at approval",
        parameters=[ELECTION_ID],
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="The sealed PDF; its SHA-256 is in X-Content-SHA256 and the ETag.",
            ),
            **errors(404, 503),
        },
    )
    def get(self, request, pk):
        election = _election_or_404(request, pk, action=AccessAction.PDF)
        record = sealed_record(election)
        if record is None:
            _log(request, AccessAction.PDF, election=election, status_code=404)
            raise NotFound(_("This election has no sealed PDF: it was never approved."))
        try:
            checked = storage.checked_pdf(record)
        except storage.StoreUnavailable:
            _log(
                request,
                AccessAction.PDF,
                election=election,
                detail={"refused": True, "store_unavailable": True},
                status_code=503,
            )
            return Response(
                error_body(
                    "store_unavailable",
                    _("The record store cannot be reached right now. Try again later."),
                ),
                status=status.HTTP_503_SERVICE_UNAVAILABLE,
                headers={"Retry-After": "60"},
            )
        if not checked.matches:
            checked.close()
            logger.critical("stored PDF of %s does not match its SHA-256", election.reference)
            _log(
                request,
                AccessAction.PDF,
                election=election,
                detail=storage.integrity_detail(checked),
                status_code=503,
            )
            return Response(
                error_body(
                    "record_unavailable",
                    _(
                        "The stored PDF no longer matches the SHA-256 recorded when it was "
                        "sealed, so it is not served. Report this record."
                    ),
                ),
                status=status.HTTP_503_SERVICE_UNAVAILABLE,
            )
        _log(
            request,
            AccessAction.PDF,
            election=election,
            detail={"sha256": checked.sha256, "size": checked.size},
            status_code=200,
        )
        response = storage.pdf_response(
            checked, filename=f"record-{election.reference}.pdf", as_attachment=True
        )
        response["ETag"] = f'"{checked.sha256}"'
        return response


# --- Clearance ---------------------------------------------------------------------------------


def parent_for(request, raw: str) -> Parent:
    """The parent named by ``raw`` (any typed shape), if this token may see them."""
    a_number = selectors.a_number_parse(raw)
    parent = Parent.objects.filter(a_number=a_number).first()
    if parent is None:
        raise NotFound(
            _("No parent with the A-number %(a_number)s.") % {"a_number": a_number},
            code="unknown_parent",
        )
    parent_visible_check(request, parent)
    return parent


def parent_visible_check(request, parent: Parent) -> None:
    """A token limited to an office sees a parent of that office only (403 otherwise)."""
    token = request.auth
    if token.office_id is not None and token.office_id not in clearance.parent_office_ids(parent):
        raise OfficeNotAllowed(
            _(
                "This parent is not known to the field office %(office)s, which this token is "
                "limited to."
            )
            % {"office": token.office.code}
        )


class ClearanceView(ApiView):
    required_scope = SCOPE_CLEARANCE

    @extend_schema(
        operation_id="parents_clearance",
        summary="May this parent be removed, and with which children?",
        parameters=[
            OpenApiParameter(
                "a_number",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description="The parent's A-number, in any usual shape (A012345678).",
            )
        ],
        responses={200: ClearanceSerializer, **errors(400, 404)},
    )
    def get(self, request, a_number):
        try:
            parent = parent_for(request, a_number)
        except NotFound:
            _log(
                request,
                AccessAction.CLEARANCE,
                detail={"a_number": a_number, "found": False},
                status_code=404,
            )
            raise
        answer = ClearanceSerializer(clearance.parent_clearance(parent).as_dict()).data
        _log(request, AccessAction.CLEARANCE, detail=dict(answer), status_code=200)
        return Response(answer)


# --- Family units ------------------------------------------------------------------------------


def _office_code(request, code: str | None) -> str | None:
    token = request.auth
    office_code_check(token, code)
    if code:
        return code
    return token.office.code if token.office_id is not None else None


class FamilyUnitView(ApiView):
    required_scope = SCOPE_FAMILY_UNITS

    @extend_schema(
        operation_id="family_units_register",
        summary="Register a parent and children, so the officer's flow starts filled in",
        request=FamilyUnitSerializer,
        responses={
            201: OpenApiResponse(IntakeResultSerializer, description="The parent is new."),
            200: OpenApiResponse(IntakeResultSerializer, description="Already registered."),
            **errors(400, 415),
        },
    )
    def post(self, request):
        body = FamilyUnitSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        payload = body.validated_data
        office_code = _office_code(request, payload.get("office"))
        parent = payload["parent"]
        known = Parent.objects.filter(
            a_number=selectors.a_number_parse(parent["a_number"], field="parent.a_number")
        ).first()
        if known is not None:
            parent_visible_check(request, known)  # another office's family is not this token's
        data = intake.FamilyUnitData(
            a_number=parent["a_number"],
            full_name=parent["name"],
            date_of_birth=parent["date_of_birth"],
            country_of_citizenship=parent["country"],
            primary_language=parent["primary_language"],
            home_country_contact=parent.get("home_country_contact", ""),
            office_code=office_code,
            children=[
                intake.ChildUnitData(
                    a_number=child["a_number"],
                    full_name=child["name"],
                    date_of_birth=child["date_of_birth"],
                    location_kind=child["location_kind"],
                    location_name=child["location_name"],
                    relationship=child["relationship"],
                    evidence=child["evidence"],
                    evidence_note=child.get("evidence_note", ""),
                )
                for child in payload["children"]
            ],
        )
        result = intake.register_family_unit(data=data, token=request.auth, source="api")
        answer = IntakeResultSerializer(result.as_dict()).data
        code = status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        _log(
            request,
            AccessAction.FAMILY_UNIT,
            detail={
                "a_number": answer["parent"]["a_number"],
                "office": office_code,
                "created": result.created,
                "children": [child["a_number"] for child in answer["children"]],
                "discrepancies": len(answer["discrepancies"]),
            },
            status_code=code,
        )
        return Response(answer, status=code)


# --- Removals ----------------------------------------------------------------------------------


class RemovalView(ApiView):
    required_scope = SCOPE_REMOVALS

    @extend_schema(
        operation_id="removals_record",
        summary="Record that a parent was removed",
        description=(
            "Recorded even when it does not match the clearance (it happened), but flagged: "
            "matches_clearance is false and flags say where."
        ),
        request=RemovalRequestSerializer,
        responses={201: RemovalResultSerializer, **errors(400, 404, 409, 415)},
    )
    def post(self, request):
        body = RemovalRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        payload = body.validated_data
        office_code = _office_code(request, payload.get("office"))
        if not office_code:
            raise ValidationError(
                {"office": [ValidationError(_("Name the removing field office."), code="required")]}
            )
        parent_for(request, payload["a_number"])
        data = removals.RemovalData(
            a_number=payload["a_number"],
            removed_on=payload["removed_on"],
            children_removed=list(payload["children_removed"]),
            office_code=office_code,
        )
        try:
            removal = removals.record_removal(
                data=data, source=RemovalSource.API, token=request.auth
            )
        except Parent.DoesNotExist:
            raise NotFound(_("No parent with this A-number."), code="unknown_parent") from None
        except removals.DuplicateRemoval as error:
            raise Conflict(
                str(error) or _("A removal of this parent on this date is already recorded."),
                code="duplicate_removal",
            ) from None
        answer = RemovalResultSerializer(
            {
                "id": removal.pk,
                "cleared": removal.cleared,
                "matches_clearance": not removal.flags,
                "flags": removal.flags,
                "clearance": removal.clearance,
            }
        ).data
        _log(
            request,
            AccessAction.REMOVAL,
            detail={
                "removal_id": str(removal.pk),
                "a_number": removal.parent.a_number,
                "removed_on": removal.removed_on.isoformat(),
                "cleared": removal.cleared,
                "flags": [flag["code"] for flag in removal.flags],
            },
            status_code=201,
        )
        return Response(answer, status=status.HTTP_201_CREATED)


# --- Report ------------------------------------------------------------------------------------


class RemovedUndocumentedView(ApiView):
    required_scope = SCOPE_RECORDS

    @extend_schema(
        operation_id="reports_removed_undocumented",
        summary="Parents removed without an approved final election covering each child",
        parameters=[
            OpenApiParameter(
                "format",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                enum=["json", "csv"],
                description="csv: one row per child (also at removed-undocumented.csv).",
            )
        ],
        responses={
            (200, "application/json"): ReportSerializer,
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="One row per child."),
            **errors(400),
        },
    )
    def get(self, request, fmt=None):
        fmt = fmt or request.query_params.get("format") or "json"
        if fmt not in ("json", "csv"):
            raise ValidationError(
                {"format": [ValidationError(_("Expected json or csv."), code="invalid_choice")]}
            )
        entries = undocumented.report_entries(office_id=request.auth.office_id)
        _log(
            request,
            AccessAction.REPORT,
            detail={"format": fmt, "parents": len(entries)},
            status_code=200,
        )
        if fmt == "csv":
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerow(undocumented.CSV_HEADER)
            writer.writerows(undocumented.csv_rows(entries))
            response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = 'attachment; filename="removed-undocumented.csv"'
            response["Cache-Control"] = "private, no-store"
            return response
        results = [entry.as_dict() for entry in entries]
        return Response(ReportSerializer({"count": len(results), "results": results}).data)


# --- The document and its page -----------------------------------------------------------------


class SchemaView(SpectacularJSONAPIView):
    authentication_classes = []
    permission_classes = [AllowAny]


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI, served from our static files; its settings come as a script of their own
    (``?script``), so the page needs no inline script and no CDN (the CSP allows neither)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    url_name = "api:schema"
    template_name = "api/swagger_ui.html"
