"""The API's payloads: what a request may carry (checked for shape here, for meaning by the
domain) and what each answer holds, so the OpenAPI document states every field exactly."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from elections.constants import (
    ChildLocationKind,
    Decision,
    DeliveryMode,
    Relationship,
    RelationshipEvidence,
    SignatureMethod,
    SignatureRole,
    Status,
)
from elections.languages import ALL_COUNTRY_CODES, ALL_LANGUAGE_CODES
from elections.models import RemovalFlag, RemovalSource

A_NUMBER_HELP = _("A-number in any usual shape: A012345678, A-012-345-678, 12345678.")
MAX_CHILDREN = 30

REMOVAL_CHOICES = [
    ("with_parent", _("The child must travel with the parent")),
    ("stays", _("The child stays in the United States")),
    ("blocked", _("No final approved choice: the removal is blocked")),
]


# --- Errors ------------------------------------------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    error = serializers.CharField(help_text=_("A stable code, such as a_number_format."))
    detail = serializers.CharField(help_text=_("What went wrong, in words."))


class ValidationErrorSerializer(ErrorSerializer):
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=_("Each bad field, by its path in the request (children[1].a_number)."),
    )


# --- Elections ---------------------------------------------------------------------------------


class ElectionFiltersSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    decision = serializers.ChoiceField(
        choices=Decision.choices,
        required=False,
        help_text=_("Elections where at least one child has this decision."),
    )
    office = serializers.CharField(
        required=False, max_length=8, help_text=_("Field office code, such as ELP.")
    )
    a_number = serializers.CharField(
        required=False,
        max_length=40,
        help_text=_("The parent's or a child's A-number, in any usual shape."),
    )
    approved_after = serializers.CharField(
        required=False,
        max_length=40,
        help_text=_(
            "ISO 8601 date (2026-03-01, from 00:00 UTC) or date and time: elections approved "
            "at or after it."
        ),
    )


class PersonSerializer(serializers.Serializer):
    a_number = serializers.CharField(allow_null=True)
    name = serializers.CharField()


class CoveredChildSerializer(PersonSerializer):
    decision = serializers.ChoiceField(choices=Decision.choices, allow_null=True)


class ElectionSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    reference = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    office = serializers.CharField(help_text=_("Field office code."))
    parent = PersonSerializer()
    children = CoveredChildSerializer(many=True)
    approved_at = serializers.DateTimeField(allow_null=True)
    pdf_sha256 = serializers.CharField(
        allow_null=True, help_text=_("SHA-256 of the sealed PDF; null until approved.")
    )


class SignatureSummarySerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=SignatureRole.choices)
    method = serializers.ChoiceField(choices=SignatureMethod.choices)
    signed_at = serializers.DateTimeField()


class ElectionDetailSerializer(ElectionSummarySerializer):
    office_name = serializers.CharField()
    notice_language = serializers.CharField(allow_blank=True)
    notice_version = serializers.CharField(allow_null=True)
    delivery_mode = serializers.ChoiceField(choices=DeliveryMode.choices, allow_blank=True)
    interpreter_language = serializers.CharField(allow_null=True)
    signatures = SignatureSummarySerializer(many=True)
    created_at = serializers.DateTimeField()
    notice_delivered_at = serializers.DateTimeField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    returned_at = serializers.DateTimeField(allow_null=True)
    superseded_at = serializers.DateTimeField(allow_null=True)
    voided_at = serializers.DateTimeField(allow_null=True)
    supersedes = serializers.UUIDField(allow_null=True)
    superseded_by = serializers.UUIDField(allow_null=True)
    record_pdf = serializers.CharField(
        allow_null=True, help_text=_("Address of the sealed PDF; null until approved.")
    )


# --- Clearance ---------------------------------------------------------------------------------


class ClearanceChildSerializer(serializers.Serializer):
    a_number = serializers.CharField(allow_null=True)
    name = serializers.CharField()
    date_of_birth = serializers.DateField()
    minor = serializers.BooleanField()
    decision = serializers.ChoiceField(choices=Decision.choices, allow_null=True)
    election_id = serializers.UUIDField(allow_null=True)
    election_status = serializers.ChoiceField(choices=Status.choices, allow_null=True)
    removal = serializers.ChoiceField(choices=REMOVAL_CHOICES)
    reasons = serializers.ListField(child=serializers.CharField())
    reason_codes = serializers.ListField(child=serializers.CharField())


class ClearanceSerializer(serializers.Serializer):
    a_number = serializers.CharField()
    name = serializers.CharField()
    cleared = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField())
    reason_codes = serializers.ListField(child=serializers.CharField())
    election_id = serializers.UUIDField(allow_null=True)
    as_of = serializers.DateTimeField()
    children = ClearanceChildSerializer(many=True)


# --- Family units ------------------------------------------------------------------------------


class FamilyParentSerializer(serializers.Serializer):
    a_number = serializers.CharField(max_length=40, help_text=A_NUMBER_HELP)
    name = serializers.CharField(max_length=200)
    date_of_birth = serializers.DateField()
    country = serializers.ChoiceField(
        choices=sorted(ALL_COUNTRY_CODES), help_text=_("Country of citizenship, ISO 3166 alpha-2.")
    )
    primary_language = serializers.ChoiceField(choices=sorted(ALL_LANGUAGE_CODES))
    home_country_contact = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default=""
    )


class FamilyChildSerializer(serializers.Serializer):
    a_number = serializers.CharField(max_length=40, help_text=A_NUMBER_HELP)
    name = serializers.CharField(max_length=200)
    date_of_birth = serializers.DateField()
    location_kind = serializers.ChoiceField(choices=ChildLocationKind.choices)
    location_name = serializers.CharField(max_length=200)
    relationship = serializers.ChoiceField(choices=Relationship.choices)
    evidence = serializers.ChoiceField(choices=RelationshipEvidence.choices)
    evidence_note = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default=""
    )


class FamilyUnitSerializer(serializers.Serializer):
    office = serializers.CharField(
        max_length=8,
        required=False,
        help_text=_("Field office code; a token limited to an office registers there only."),
    )
    parent = FamilyParentSerializer()
    children = FamilyChildSerializer(many=True, allow_empty=False, max_length=MAX_CHILDREN)


class IntakePersonSerializer(serializers.Serializer):
    a_number = serializers.CharField()
    name = serializers.CharField()
    created = serializers.BooleanField()


class IntakeDiscrepancySerializer(serializers.Serializer):
    child = serializers.CharField(allow_null=True, help_text=_("Null: about the parent."))
    field = serializers.CharField()
    recorded = serializers.CharField(allow_blank=True)
    reported = serializers.CharField()


class IntakeResultSerializer(serializers.Serializer):
    parent = IntakePersonSerializer()
    children = IntakePersonSerializer(many=True)
    discrepancies = IntakeDiscrepancySerializer(many=True)


# --- Removals ----------------------------------------------------------------------------------


class RemovalRequestSerializer(serializers.Serializer):
    a_number = serializers.CharField(max_length=40, help_text=A_NUMBER_HELP)
    removed_on = serializers.DateField()
    children_removed = serializers.ListField(
        child=serializers.CharField(max_length=40),
        max_length=MAX_CHILDREN,
        help_text=_("A-numbers of the children removed with the parent (may be empty)."),
    )
    office = serializers.CharField(
        max_length=8,
        required=False,
        help_text=_("Removing field office code; defaults to the token's office."),
    )


class RemovalFlagSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=RemovalFlag.choices)
    child = serializers.CharField(allow_blank=True)
    detail = serializers.CharField()


class RemovalResultSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    cleared = serializers.BooleanField(help_text=_("Whether the parent was cleared at the time."))
    matches_clearance = serializers.BooleanField()
    flags = RemovalFlagSerializer(many=True)
    clearance = ClearanceSerializer()


# --- Report ------------------------------------------------------------------------------------


class LocationSerializer(serializers.Serializer):
    kind = serializers.CharField(allow_blank=True, help_text=_("The kind of placement, in words."))
    name = serializers.CharField(allow_blank=True)


class ReportChildSerializer(serializers.Serializer):
    a_number = serializers.CharField(allow_null=True)
    name = serializers.CharField()
    date_of_birth = serializers.DateField()
    removed_with_parent = serializers.BooleanField()
    removal = serializers.ChoiceField(choices=REMOVAL_CHOICES)
    election_id = serializers.UUIDField(allow_null=True)
    election_status = serializers.ChoiceField(choices=Status.choices, allow_null=True)
    decision = serializers.ChoiceField(choices=Decision.choices, allow_null=True)
    record_shows = serializers.CharField()
    last_known_location = LocationSerializer()


class OfficeSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class ReportParentSerializer(serializers.Serializer):
    a_number = serializers.CharField()
    name = serializers.CharField()
    date_of_birth = serializers.DateField()
    country_of_citizenship = serializers.CharField()
    primary_language = serializers.CharField()
    home_country_contact = serializers.CharField(allow_blank=True)


class ReportEntrySerializer(serializers.Serializer):
    removal_id = serializers.UUIDField()
    removed_on = serializers.DateField()
    office = OfficeSerializer(help_text=_("The removing field office."))
    source = serializers.ChoiceField(choices=RemovalSource.choices)
    flags = serializers.ListField(child=serializers.ChoiceField(choices=RemovalFlag.choices))
    parent = ReportParentSerializer()
    record_shows = serializers.ListField(
        child=serializers.CharField(), help_text=_("What the record showed at the removal.")
    )
    children = ReportChildSerializer(many=True)


class ReportSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    results = ReportEntrySerializer(many=True)
