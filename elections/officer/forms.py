"""Forms of the officer's flow. They clean and shape input; the services decide and write.

No form touches ``status``; no decision field has an initial value (R11).
"""

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from elections.constants import (
    INTERPRETER_MODES,
    ChildLocationKind,
    Decision,
    DeliveryMode,
    IdentityMethod,
    Relationship,
    RelationshipEvidence,
    SignatureMethod,
    SignatureRole,
)
from elections.identifiers import normalize_a_number, normalize_optional_a_number
from elections.languages import (
    ALL_COUNTRY_CODES,
    ALL_LANGUAGE_CODES,
    country_choices,
    language_choices,
    language_name,
    language_name_in_text,
)
from elections.names import clean_person_name, clean_printed_text, normalize_text
from elections.services import PRINTED_FIELDS, ChildData, InterpreterData, ParentData
from elections.signature_images import clean_data_url

# No field has a placeholder (it vanishes as the officer types and is too pale to read); an
# example is part of the help text below the field, as "For example: ..." or "for example ...".
A_NUMBER_HELP = _(
    "A followed by 8 or 9 digits, for example A012345678; dashes and spaces are fine."
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class _ListedChoiceIterator(forms.models.ModelChoiceIterator):
    """The choices of a ModelChoiceField from a list the view already fetched: no second query
    to draw the select (the officer's pages stay within their query budget)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.field.listed:
            yield self.choice(obj)

    def __len__(self):
        return len(self.field.listed) + (self.field.empty_label is not None)

    def __bool__(self):
        return self.field.empty_label is not None or bool(self.field.listed)


def list_choices(field: forms.ModelChoiceField, objects, queryset) -> None:
    """Offer ``objects`` (already fetched) as the choices; a posted choice is still looked up in
    ``queryset``, so nothing outside it is accepted."""
    field.listed = list(objects)
    field.iterator = _ListedChoiceIterator
    field.queryset = queryset


class FlowForm(forms.Form):
    """Crispy layout only: every form renders inside the template's own <form> tag."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


def _past_date(value):
    if value and value > timezone.localdate():
        raise ValidationError(_("The date of birth cannot be in the future."), code="dob_future")
    return value


class ParentFieldsMixin(forms.Form):
    full_name = forms.CharField(label=_("Parent's full name"), max_length=200)
    date_of_birth = forms.DateField(label=_("Date of birth"), widget=DateInput())
    country_of_citizenship = forms.ChoiceField(label=_("Country of citizenship"))
    primary_language = forms.ChoiceField(
        label=_("Primary language"),
        help_text=_("The language the parent understands best. Ask the parent."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country_of_citizenship"].choices = [("", "—"), *country_choices()]
        self.fields["primary_language"].choices = [("", "—"), *language_choices()]

    def clean_full_name(self):
        return clean_person_name(
            self.cleaned_data["full_name"], field=PRINTED_FIELDS["parent_name"], max_length=200
        )

    def clean_date_of_birth(self):
        return _past_date(self.cleaned_data["date_of_birth"])

    def clean_country_of_citizenship(self):
        value = self.cleaned_data["country_of_citizenship"]
        if value not in ALL_COUNTRY_CODES:
            raise ValidationError(_("Choose a country from the list."))
        return value

    def clean_primary_language(self):
        value = self.cleaned_data["primary_language"]
        if value not in ALL_LANGUAGE_CODES:
            raise ValidationError(_("Choose a language from the list."))
        return value


class LookupForm(FlowForm):
    """The officer's first question: whose election is it? One field, one tap."""

    a_number = forms.CharField(
        label=_("Parent's A-number"),
        max_length=20,
        help_text=A_NUMBER_HELP,
    )

    def clean_a_number(self):
        return normalize_a_number(self.cleaned_data["a_number"])


class IdentityFieldsMixin(forms.Form):
    """Where the parent is held and how their identity was verified (R1)."""

    facility = forms.ModelChoiceField(label=_("Facility where the parent is held"), queryset=None)
    identity_method = forms.ChoiceField(
        label=_("How the parent's identity was verified"),
        choices=[("", "—"), *IdentityMethod.choices],
    )
    identity_document = forms.CharField(
        label=_("Document or record checked"),
        max_length=200,
        help_text=_("For example: fingerprint match in the detention record, passport number."),
    )

    def __init__(self, *args, facilities, facility_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        list_choices(self.fields["facility"], facilities, facility_queryset)

    def clean_identity_document(self):
        return clean_printed_text(
            self.cleaned_data["identity_document"],
            field=PRINTED_FIELDS["identity_document"],
            digits_suffice=True,
            max_length=200,
        )

    def identity_data(self) -> dict:
        return {
            "facility": self.cleaned_data["facility"],
            "identity_method": self.cleaned_data["identity_method"],
            "identity_document": self.cleaned_data["identity_document"],
        }


class StartForm(IdentityFieldsMixin, ParentFieldsMixin, FlowForm):
    """A parent formsvc does not know: who they are, where they are held and how their identity
    was verified, in one page (the parent step then has nothing left to ask)."""

    a_number = forms.CharField(
        label=_("Parent's A-number"),
        max_length=20,
        help_text=A_NUMBER_HELP,
    )
    field_order = [
        "a_number",
        "full_name",
        "date_of_birth",
        "country_of_citizenship",
        "primary_language",
        "facility",
        "identity_method",
        "identity_document",
    ]

    def clean_a_number(self):
        return normalize_a_number(self.cleaned_data["a_number"])

    def parent_data(self) -> ParentData:
        return ParentData(**{k: self.cleaned_data[k] for k in ParentData.__dataclass_fields__})


class ParentForm(IdentityFieldsMixin, ParentFieldsMixin, FlowForm):
    def __init__(self, *args, a_number: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.a_number = a_number

    def parent_data(self) -> ParentData:
        data = {k: self.cleaned_data[k] for k in ParentData.__dataclass_fields__ if k != "a_number"}
        return ParentData(a_number=self.a_number, **data)


class ChildForm(FlowForm):
    full_name = forms.CharField(label=_("Child's full name"), max_length=200)
    date_of_birth = forms.DateField(label=_("Child's date of birth"), widget=DateInput())
    a_number = forms.CharField(
        label=_("Child's A-number, if known"),
        max_length=20,
        required=False,
        help_text=A_NUMBER_HELP,
    )
    location_kind = forms.ChoiceField(
        label=_("Where the child is held"), choices=[("", "—"), *ChildLocationKind.choices]
    )
    location_name = forms.CharField(
        label=_("Name and city of the placement"),
        max_length=200,
        help_text=_("For example: ORR shelter name, city and state."),
    )
    relationship = forms.ChoiceField(
        label=_("Relationship to the parent"), choices=[("", "—"), *Relationship.choices]
    )
    evidence = forms.ChoiceField(
        label=_("How the relationship was verified"),
        choices=[("", "—"), *RelationshipEvidence.choices],
    )
    evidence_note = forms.CharField(label=_("Verification details"), max_length=300, required=False)

    def clean_full_name(self):
        return clean_person_name(
            self.cleaned_data["full_name"], field=PRINTED_FIELDS["child_name"], max_length=200
        )

    def clean_date_of_birth(self):
        return _past_date(self.cleaned_data["date_of_birth"])

    def clean_a_number(self):
        return normalize_optional_a_number(self.cleaned_data["a_number"])

    def clean_location_name(self):
        return clean_printed_text(
            self.cleaned_data["location_name"],
            field=PRINTED_FIELDS["location_name"],
            max_length=200,
        )

    def clean_evidence_note(self):
        return normalize_text(self.cleaned_data["evidence_note"])

    def child_data(self) -> ChildData:
        return ChildData(**{k: self.cleaned_data[k] for k in ChildData.__dataclass_fields__})


class NoticeForm(FlowForm):
    language = forms.ChoiceField(
        label=_("Language of the notice shown to the parent"),
        help_text=_(
            "The notice is written in these languages. For any other language, choose the one the "
            "interpreter reads from."
        ),
    )
    delivery_mode = forms.ChoiceField(
        label=_("How the notice is delivered"),
        choices=DeliveryMode.choices,
        widget=forms.RadioSelect,
    )
    interpreter_name = forms.CharField(
        label=_("Interpreter's full name"), max_length=200, required=False
    )
    interpreter_id = forms.CharField(
        label=_("Interpreter ID number or employer"), max_length=200, required=False
    )
    interpreter_language = forms.ChoiceField(label=_("Language interpreted into"), required=False)
    operator_id = forms.CharField(
        label=_("Telephone operator ID"),
        max_length=64,
        required=False,
        help_text=_("Required for a telephone interpreter."),
    )
    witness = forms.ModelChoiceField(
        label=_("Witness"),
        queryset=None,
        help_text=_("A second staff member who is present. Not the presenting officer."),
    )

    def __init__(
        self,
        *args,
        languages: list[str],
        witnesses,
        witness_queryset,
        parent_language: str,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        if parent_language in languages:
            # R10: a notice written in the parent's own language is the one shown; interpreting
            # from another is only for languages with no written notice.
            languages = [parent_language]
            self.fields["language"].help_text = _(
                "The notice is written in the parent's primary language, so that is the one "
                "shown, with English beside it."
            )
        self.fields["language"].choices = [(code, language_name(code)) for code in languages]
        self.fields["interpreter_language"].choices = [("", "—"), *language_choices()]
        list_choices(self.fields["witness"], witnesses, witness_queryset)
        self.fields["witness"].label_from_instance = lambda user: (
            f"{user.get_full_name() or user.get_username()} — {user.staff.job_title}"
        )
        self.parent_language = parent_language

    def clean(self):
        cleaned = super().clean()
        mode = cleaned.get("delivery_mode")
        language = cleaned.get("language")
        if language and mode and language != self.parent_language and mode not in INTERPRETER_MODES:
            self.add_error(
                "delivery_mode",
                _(
                    "The parent's primary language is %(language)s, not the notice language: "
                    "choose an interpreter in person or by telephone."
                )
                % {"language": language_name_in_text(self.parent_language)},
            )
        if mode in INTERPRETER_MODES:
            self._clean_interpreter_text(
                cleaned, telephone=mode == DeliveryMode.INTERPRETER_TELEPHONE
            )
            for field, message in (
                ("interpreter_name", _("Enter the interpreter's full name.")),
                ("interpreter_id", _("Enter the interpreter's ID number or employer.")),
                (
                    "interpreter_language",
                    _("Choose the language the interpreter speaks with the parent."),
                ),
            ):
                if not cleaned.get(field) and field not in self.errors:
                    self.add_error(field, message)
            if (
                mode == DeliveryMode.INTERPRETER_TELEPHONE
                and not cleaned.get("operator_id")
                and "operator_id" not in self.errors
            ):
                self.add_error("operator_id", _("Enter the telephone interpreter's operator ID."))
            if (
                cleaned.get("interpreter_language")
                and cleaned["interpreter_language"] != self.parent_language
            ):
                self.add_error(
                    "interpreter_language",
                    _("The interpreter must speak the parent's primary language, %(language)s.")
                    % {"language": language_name_in_text(self.parent_language)},
                )
        return cleaned

    def _clean_interpreter_text(self, cleaned, *, telephone: bool):
        """What is typed about the interpreter is printed on the record: it must be readable.

        Checked only when an interpreter is used, so text left in the hidden fields of another
        delivery mode never blocks the officer. Empty fields get their own message below.
        """
        fields = [
            ("interpreter_name", clean_person_name, {"max_length": 200}),
            ("interpreter_id", clean_printed_text, {"digits_suffice": True, "max_length": 200}),
        ]
        if telephone:
            fields.append(
                ("operator_id", clean_printed_text, {"digits_suffice": True, "max_length": 64})
            )
        for name, clean, options in fields:
            if cleaned.get(name):
                try:
                    cleaned[name] = clean(cleaned[name], field=PRINTED_FIELDS[name], **options)
                except ValidationError as error:
                    self.add_error(name, error)

    def interpreter_data(self) -> InterpreterData | None:
        if self.cleaned_data["delivery_mode"] not in INTERPRETER_MODES:
            return None
        return InterpreterData(
            full_name=self.cleaned_data["interpreter_name"],
            id_or_employer=self.cleaned_data["interpreter_id"],
            language=self.cleaned_data["interpreter_language"],
            operator_id=self.cleaned_data["operator_id"],
        )


class ChoicesForm(forms.Form):
    """One required choice per child, with no initial value: the parent picks every one (R11)."""

    def __init__(self, *args, covered, **kwargs):
        super().__init__(*args, **kwargs)
        self.covered = list(covered)
        for item in self.covered:
            self.fields[f"child_{item.pk}"] = forms.ChoiceField(
                label=item.child.full_name,
                choices=Decision.choices,
                widget=forms.RadioSelect,
                required=True,
                error_messages={"required": _("Choose one option for this child.")},
            )

    def decisions(self) -> dict[int, str]:
        return {item.pk: self.cleaned_data.get(f"child_{item.pk}") for item in self.covered}

    def rows(self):
        return [(item, self[f"child_{item.pk}"]) for item in self.covered]


class SignatureField(forms.CharField):
    """A signature pad's PNG data URL, checked and re-encoded; cleans to ``(png, sha256)``."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(strip=True, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        return clean_data_url(value)


class ParentSignForm(forms.Form):
    """The parent's signature. Nothing is preset (R11): the parent taps how they sign. ``covers``
    is the digest of the notice and choices the page showed (``rules.parent_consent_digest``);
    the service refuses a signature whose page showed anything else."""

    # Spoken to the parent, on the parent's screen; stored as the SignatureMethod values.
    method = forms.ChoiceField(
        label=_("How will you sign?"),
        choices=[
            (SignatureMethod.DRAWN, _("I sign with my finger")),
            (SignatureMethod.MARK, _("I make a mark; the witness watches")),
            (SignatureMethod.REFUSED, _("I do not want to sign")),
            (SignatureMethod.UNABLE, _("I cannot sign")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Tap how you will sign.")},
    )
    signature = SignatureField(label=_("Signature"))
    reason = forms.CharField(
        label=_("Why are you not signing? The officer writes down your words."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )
    covers = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def clean(self):
        cleaned = super().clean()
        method = cleaned.get("method")
        if method in (SignatureMethod.DRAWN, SignatureMethod.MARK) and not cleaned.get("signature"):
            if "signature" not in self.errors:
                self.add_error(
                    "signature", _("The signature pad is empty. Please sign in the box.")
                )
        if (
            method in (SignatureMethod.REFUSED, SignatureMethod.UNABLE)
            and not cleaned.get("reason", "").strip()
        ):
            self.add_error("reason", _("Write down why the parent did not sign."))
        return cleaned


class InterpreterSignForm(forms.Form):
    signature = SignatureField(label=_("Interpreter's signature"))
    attested = forms.BooleanField(
        label=_("The interpreter confirmed, by telephone, a complete and faithful interpretation."),
        required=False,
    )

    def __init__(self, *args, telephone: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.telephone = telephone

    def clean(self):
        cleaned = super().clean()
        if self.telephone and not cleaned.get("attested"):
            self.add_error("attested", _("Confirm the interpreter's attestation."))
        if not self.telephone and not cleaned.get("signature") and "signature" not in self.errors:
            self.add_error("signature", _("The signature pad is empty. Please sign in the box."))
        return cleaned


class OfficerSignForm(forms.Form):
    """The presenting officer signs as who they are: their password and their drawing."""

    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    signature = SignatureField(label=_("Signature"))

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("signature") and "signature" not in self.errors:
            self.add_error("signature", _("The signature pad is empty. Please sign in the box."))
        return cleaned


class StaffSignForm(OfficerSignForm):
    """A staff member signing on the officer's tablet names themselves as well (the witness)."""

    username = forms.CharField(label=_("Username"), max_length=150)
    field_order = ["username", "password", "signature"]


class LegalContactForm(FlowForm):
    legal_contact = forms.CharField(
        label=_("Legal contact given to the parent"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_(
            "The lawyer or free legal service, with a telephone number, that you gave the parent."
        ),
    )

    def clean_legal_contact(self):
        return clean_printed_text(
            self.cleaned_data["legal_contact"],
            field=PRINTED_FIELDS["legal_contact"],
            multiline=True,
            max_length=2000,
        )


class VoidForm(FlowForm):
    reason = forms.CharField(
        label=_("Why this election is being voided"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
    )


# --- forms bound to what an election already holds -------------------------------------------


def notice_initial(election, *, languages: list[str], witness=None) -> dict:
    """The notice step's fields as the election stands: its notice, team and interpreter; on a
    first visit the notice in the parent's language when one is written in it (R10: then it is
    the only choice), else Spanish, no interpreter yet, and ``witness`` proposed."""
    interpreter = getattr(election, "interpreter", None)
    primary = election.parent.primary_language
    proposed = primary if primary in languages else ("es" if "es" in languages else "")
    return {
        "language": election.notice_language or proposed,
        "delivery_mode": election.delivery_mode,
        "witness": election.witness_id or (witness.pk if witness else None),
        "interpreter_name": interpreter.full_name if interpreter else "",
        "interpreter_id": interpreter.id_or_employer if interpreter else "",
        "interpreter_language": interpreter.language if interpreter else primary,
        "operator_id": interpreter.operator_id if interpreter else "",
    }


#: The parts of the staff-signatures page, in the order they are saved.
SIGN_PARTS = ("legal", "interpreter", "witness", "officer")


def staff_sign_forms(election, data=None) -> dict[str, forms.Form]:
    """The parts of the staff-signatures page still to do, each under its own prefix, all bound
    to the one post: the legal contact (proposed from the notice's legal help) when a parent
    chose to consult, the interpreter's signature or telephone attestation, the witness's and the
    presenting officer's. A part already signed is not asked again."""
    signed = {s.role for s in election.signatures.all()}
    notice = election.notice_version
    witness = election.witness
    parts: dict[str, forms.Form] = {}
    if any(item.decision == Decision.CONSULT for item in election.covered.all()):
        parts["legal"] = LegalContactForm(
            data,
            initial={
                "legal_contact": election.legal_contact_given or notice.legal_help if notice else ""
            },
            prefix="legal",
        )
    if election.delivery_mode in INTERPRETER_MODES and SignatureRole.INTERPRETER not in signed:
        parts["interpreter"] = InterpreterSignForm(
            data,
            telephone=election.delivery_mode == DeliveryMode.INTERPRETER_TELEPHONE,
            prefix="interpreter",
        )
    if SignatureRole.WITNESS not in signed:
        parts["witness"] = StaffSignForm(
            data,
            initial={"username": witness.get_username() if witness else ""},
            prefix="witness",
        )
    if SignatureRole.OFFICER not in signed:
        parts["officer"] = OfficerSignForm(data, prefix="officer")
    return parts
