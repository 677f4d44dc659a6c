"""Forms of the auditor's workspace: the search filters, the access-log filters, verification.

A search is never thrown away because one filter is wrong: a nonsense date or an unknown code
is reported in plain words and left out, and every other filter still applies.
"""

from dataclasses import dataclass, field
from datetime import date

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from elections.constants import Decision, Status
from elections.identifiers import normalize_a_number
from elections.models import AccessAction, FieldOffice, RemovalFlag


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateFilterField(forms.DateField):
    default_error_messages = {
        "invalid": _("This is not a date; write it as YYYY-MM-DD. It was left out."),
    }

    def __init__(self, **kwargs):
        super().__init__(required=False, widget=DateInput(), input_formats=["%Y-%m-%d"], **kwargs)


FLAG_CHOICES = [
    ("fast", _("Fast decision")),
    ("telephone", _("Telephone interpreter")),
    ("superseded", _("Superseded")),
    ("returned", _("Returned at least once")),
    ("consult_pending", _("Consult pending")),
]
DATE_FIELD_CHOICES = [
    ("created", _("Started")),
    ("submitted", _("Submitted")),
    ("approved", _("Approved")),
]
#: Sort keys offered on the list; a leading "-" sorts descending.
SORT_CHOICES = [
    ("-created", _("Newest first")),
    ("created", _("Oldest first")),
    ("-submitted", _("Submitted, newest first")),
    ("submitted", _("Submitted, oldest first")),
    ("-approved", _("Approved, newest first")),
    ("approved", _("Approved, oldest first")),
    ("name", _("Parent's name, A to Z")),
    ("-name", _("Parent's name, Z to A")),
    ("a_number", _("A-number")),
    ("office", _("Field office")),
    ("status", _("Status")),
]
DEFAULT_SORT = "-created"


@dataclass
class AuditFilters:
    """What the auditor asked for, cleaned: only the filters that made sense."""

    a_number: str = ""
    name: str = ""
    offices: list[str] = field(default_factory=list)
    date_field: str = "created"
    date_from: date | None = None
    date_to: date | None = None
    statuses: list[str] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    sort: str = DEFAULT_SORT

    @property
    def is_empty(self) -> bool:
        return not (
            self.a_number
            or self.name
            or self.offices
            or self.date_from
            or self.date_to
            or self.statuses
            or self.decisions
            or self.flags
        )


class LenientForm(forms.Form):
    """A GET form whose wrong values are reported and dropped, never fatal to the rest.

    Multiple-choice fields keep the values they know and report the others by name.
    """

    multi_fields: tuple[str, ...] = ()

    def __init__(self, data=None, *args, **kwargs):
        self.unknown: list[str] = []
        if data is not None:
            data = data.copy()
            for name in self.multi_fields:
                if name not in data:
                    continue
                known = {str(value) for value, _label in self.base_fields[name].choices}
                values = [v for v in data.getlist(name) if v != ""]
                kept = [v for v in values if v in known]
                for value in values:
                    if value not in known:
                        self.unknown.append(
                            _("“%(value)s” is not a known %(what)s; it was left out.")
                            % {"value": value[:40], "what": self.base_fields[name].label.lower()}
                        )
                data.setlist(name, kept)
        super().__init__(data, *args, **kwargs)

    @property
    def messages(self) -> list[str]:
        """Every problem with the filters, one sentence each."""
        found = [str(message) for message in self.unknown]
        if self.is_bound:
            for name, errors in self.errors.items():
                label = self.fields[name].label if name in self.fields else ""
                for error in errors:
                    found.append(f"{label}: {error}" if label else str(error))
        return found

    def cleaned(self) -> dict:
        if not self.is_bound:
            return {}
        self.is_valid()
        return self.cleaned_data


class AuditSearchForm(LenientForm):
    multi_fields = ("office", "status", "decision", "flag")

    a_number = forms.CharField(
        label=_("A-number"),
        required=False,
        max_length=40,
        help_text=_("The parent's or a child's, in any format."),
    )
    name = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=200,
        help_text=_("Part of the parent's or a child's name."),
    )
    office = forms.MultipleChoiceField(
        label=_("Field office"), required=False, widget=forms.CheckboxSelectMultiple
    )
    date_field = forms.ChoiceField(
        label=_("Date of"),
        required=False,
        choices=DATE_FIELD_CHOICES,
        initial="created",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    date_from = DateFilterField(label=_("From"))
    date_to = DateFilterField(label=_("To"))
    status = forms.MultipleChoiceField(
        label=_("Status"),
        required=False,
        choices=Status.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    decision = forms.MultipleChoiceField(
        label=_("Decision"),
        required=False,
        choices=Decision.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    flag = forms.MultipleChoiceField(
        label=_("Flag"), required=False, choices=FLAG_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=SORT_CHOICES,
        initial=DEFAULT_SORT,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, data=None, *args, **kwargs):
        # Office codes are data: the choices are read before the values are checked.
        self.base_fields["office"].choices = list(
            FieldOffice.objects.order_by("name").values_list("code", "name")
        )
        super().__init__(data, *args, **kwargs)
        self.fields["office"].choices = self.base_fields["office"].choices

    def clean_a_number(self):
        raw = self.cleaned_data.get("a_number", "").strip()
        if not raw:
            return ""
        return normalize_a_number(raw)

    def clean_name(self):
        value = " ".join(self.cleaned_data.get("name", "").split())
        if value and len(value) < 2:
            raise ValidationError(_("Type at least two letters of the name."))
        return value

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error(
                "date_to",
                _("The end date is before the start date; the date range was left out."),
            )
            cleaned.pop("date_from", None)
        return cleaned

    def filters(self) -> AuditFilters:
        data = self.cleaned()
        return AuditFilters(
            a_number=data.get("a_number") or "",
            name=data.get("name") or "",
            offices=list(data.get("office") or []),
            date_field=data.get("date_field") or "created",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            statuses=list(data.get("status") or []),
            decisions=list(data.get("decision") or []),
            flags=list(data.get("flag") or []),
            sort=data.get("sort") or DEFAULT_SORT,
        )


@dataclass
class AccessLogFilters:
    username: str = ""
    actions: list[str] = field(default_factory=list)
    date_from: date | None = None
    date_to: date | None = None


class AccessLogSearchForm(LenientForm):
    multi_fields = ("action",)

    username = forms.CharField(label=_("User"), required=False, max_length=150)
    action = forms.MultipleChoiceField(
        label=_("Action"),
        required=False,
        choices=AccessAction.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    date_from = DateFilterField(label=_("From"))
    date_to = DateFilterField(label=_("To"))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error(
                "date_to",
                _("The end date is before the start date; the date range was left out."),
            )
            cleaned.pop("date_from", None)
        return cleaned

    def filters(self) -> AccessLogFilters:
        data = self.cleaned()
        return AccessLogFilters(
            username=(data.get("username") or "").strip(),
            actions=list(data.get("action") or []),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )


class VerifyForm(forms.Form):
    file = forms.FileField(label=_("A sealed PDF, or a ZIP exported here"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("Up to %(mb)d MB.") % {
            "mb": settings.FORMSVC_VERIFY_MAX_UPLOAD_BYTES // (1024 * 1024)
        }


class RemovalFilterForm(LenientForm):
    """The office (and, on the list of flagged removals, the flag) a removals page shows; an
    unknown value is reported and left out."""

    office = forms.ChoiceField(
        label=_("Removing office"),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    flag = forms.ChoiceField(
        label=_("Flag"),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.fields["office"].choices = [
            ("", _("Every field office")),
            *FieldOffice.objects.order_by("name").values_list("code", "name"),
        ]
        self.fields["flag"].choices = [("", _("Every flag")), *RemovalFlag.choices]

    def selected_office(self) -> FieldOffice | None:
        code = self.cleaned().get("office")
        return FieldOffice.objects.filter(code=code).first() if code else None

    def selected_flag(self) -> str:
        return self.cleaned().get("flag") or ""
