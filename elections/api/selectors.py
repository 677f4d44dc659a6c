"""What a token may read: elections of its office (every office for an unlimited token)."""

import re
from datetime import UTC, datetime, time

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from elections.identifiers import normalize_a_number
from elections.models import Election, ElectionChild, FieldOffice, Signature

from .errors import Invalid
from .permissions import office_code_check

UNENCODED_PLUS = re.compile(r"(\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}(?::?\d{2})?)$")


def instant_parse(raw: str) -> datetime:
    """An ISO 8601 date (its 00:00 UTC) or date and time (UTC when it names no offset)."""
    value = None
    # An offset's "+" sent unencoded in a query string arrives as a space: read it back.
    raw = UNENCODED_PLUS.sub(r"\1+\2", raw.strip())
    try:
        value = parse_datetime(raw)
        if value is None and (day := parse_date(raw)) is not None:
            value = datetime.combine(day, time.min, tzinfo=UTC)
    except ValueError:
        value = None
    if value is None:
        raise Invalid(
            _(
                "Expected an ISO 8601 date such as 2026-03-01 or a date and time such as "
                "2026-03-01T14:30:00Z; got “%(value)s”."
            )
            % {"value": raw},
            code="invalid_date",
            field="approved_after",
        )
    if timezone.is_naive(value):
        value = value.replace(tzinfo=UTC)
    return value


def a_number_parse(raw: str, *, field: str = "a_number") -> str:
    try:
        return normalize_a_number(raw)
    except ValidationError as error:
        raise Invalid(error.messages[0], code="a_number_format", field=field) from None


def office_for_code(code: str) -> FieldOffice:
    office = FieldOffice.objects.filter(code__iexact=code.strip()).first()
    if office is None:
        raise Invalid(
            _("There is no field office with the code “%(code)s”.") % {"code": code},
            code="unknown_office",
            field="office",
        )
    return office


def token_elections(*, token) -> QuerySet[Election]:
    qs = Election.objects.all()
    if token.office_id is not None:
        qs = qs.filter(office_id=token.office_id)
    return qs


def api_election_search(*, token, filters: dict) -> QuerySet[Election]:
    """Elections the token may read, matching the (already shape-checked) filters."""
    qs = token_elections(token=token).select_related("office", "parent", "sealed_record")
    qs = qs.prefetch_related(
        Prefetch("covered", queryset=ElectionChild.objects.select_related("child"))
    )
    if code := filters.get("office"):
        office_code_check(token, code)
        qs = qs.filter(office=office_for_code(code))
    if status := filters.get("status"):
        qs = qs.filter(status=status)
    if decision := filters.get("decision"):
        qs = qs.filter(
            Exists(ElectionChild.objects.filter(election=OuterRef("pk"), decision=decision))
        )
    if raw := filters.get("a_number"):
        a_number = a_number_parse(raw)
        qs = qs.filter(
            Q(parent__a_number=a_number)
            | Exists(
                ElectionChild.objects.filter(election=OuterRef("pk"), child__a_number=a_number)
            )
        )
    if raw := filters.get("approved_after"):
        qs = qs.filter(approved_at__gte=instant_parse(raw))
    return qs


def api_election(*, token, election_id) -> Election:
    """One election the token may read, with what its detail shows; 404 otherwise."""
    qs = (
        token_elections(token=token)
        .select_related("office", "parent", "sealed_record", "notice_version", "supersedes")
        .prefetch_related(
            Prefetch("covered", queryset=ElectionChild.objects.select_related("child")),
            Prefetch("signatures", queryset=Signature.objects.order_by("signed_at", "pk")),
        )
    )
    election = qs.filter(pk=election_id).first()
    if election is None:
        raise Http404(_("No election with this id."))
    return election
