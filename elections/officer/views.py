"""The officer's tablet flow. Thin: fetch through a permission-checking selector, validate a form,
call one service or workflow function, redirect.

Every step saves to the database when it is posted, so a dropped connection or an expired session
loses at most the page being typed, and the browser keeps even that (static/js/flow.js).
"""

from datetime import date
from html import escape as html_escape

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from elections import busy, intake, rules, selectors, services, workflow
from elections.constants import (
    INTERPRETER_MODES,
    ChildLocationKind,
    Decision,
    DeliveryMode,
    Relationship,
    RelationshipEvidence,
    Role,
    SignatureRole,
    Status,
)
from elections.identifiers import format_a_number
from elections.languages import country_name, language_name
from elections.links import link_for_each
from elections.middleware import too_large_message
from elections.models import Facility, LegalServiceProvider
from elections.models.records import election_reference
from elections.records.sealed_state import election_as_shown
from elections.signature_images import TOO_LARGE
from elections.templatetags.formsvc import local_time, long_date

from .forms import (
    SIGN_PARTS,
    ChildForm,
    ChoicesForm,
    LookupForm,
    NoticeForm,
    ParentForm,
    ParentSignForm,
    StartForm,
    VoidForm,
    notice_initial,
    staff_sign_forms,
)


def _steps():
    """The officer's steps, in order, with the URL name of each."""
    return [
        (rules.STEP_PARENT, "elections:parent", _("Parent")),
        (rules.STEP_CHILDREN, "elections:children", _("Children")),
        (rules.STEP_NOTICE, "elections:notice", _("Notice and witness")),
        (rules.STEP_DECISIONS, "elections:handover", _("Parent's choice")),
        (rules.STEP_STAFF_SIGN, "elections:staff_sign", _("Signatures")),
        ("review", "elections:review", _("Review and submit")),
    ]


def _step_problems(election) -> dict[str, list[rules.Problem]]:
    grouped: dict[str, list[rules.Problem]] = {}
    for problem in rules.submission_problems(election):
        step = rules.STEP_DECISIONS if problem.step == rules.STEP_PARENT_SIGN else problem.step
        grouped.setdefault(step, []).append(problem)
    return grouped


def _with_step_links(election, problems) -> list[dict]:
    """Each problem with the step where it is fixed, for the review page's list."""
    steps = {key: (url_name, label) for key, url_name, label in _steps()}
    listed = []
    for problem in problems:
        key = rules.STEP_DECISIONS if problem.step == rules.STEP_PARENT_SIGN else problem.step
        url_name, label = steps.get(key, ("elections:review", ""))
        listed.append(
            {
                "problem": problem,
                "message": problem.message,
                "rule": problem.rule,
                "url": reverse(url_name, args=[election.pk]),
                "step": label,
            }
        )
    return listed


def _context(election, current: str, **extra):
    problems = _step_problems(election)
    steps = [
        {
            "key": key,
            "url": reverse(url_name, args=[election.pk]),
            "label": label,
            "done": key != "review" and key not in problems,
            "current": key == current,
        }
        for key, url_name, label in _steps()
    ]
    return {"election": election, "steps": steps, "problems": problems, **extra}


def _editable_or_redirect(request, election):
    if election.is_editable:
        return None
    return redirect("elections:summary", election.pk)


def _whole_minutes(election) -> int | None:
    minutes = rules.minutes_to_decide(election)
    return None if minutes is None else int(minutes)


def _add_errors(form, error: ValidationError, field=None):
    for message in error.messages:
        form.add_error(field, message)


def _parent_language(election) -> str:
    """The language of the parent's screens: the notice's, where the interface speaks it."""
    supported = {code for code, _name in settings.LANGUAGES}
    return election.notice_language if election.notice_language in supported else "en"


# --- Home and start ------------------------------------------------------------------------


def _home_lists(user, office) -> dict[str, list[dict]]:
    """The home's lists as the page prints them. The busiest page: every label is translated and
    escaped once per page and every link reversed once, not once per row."""
    lists = selectors.officer_home_elections(user=user)
    statuses = {value: conditional_escape(label) for value, label in Status.choices}
    resume, summary = link_for_each("elections:resume"), link_for_each("elections:summary")
    record_pdf = link_for_each("elections:record_pdf")
    saved, sent, approved = (
        _("Last saved %(when)s"),
        _("Submitted %(when)s"),
        _("Approved %(when)s"),
    )
    zone, language = office.time_zone if office else "UTC", translation.get_language()

    def row(election, text):
        return {
            "id": election["id"],
            "name": election["parent__full_name"],
            "a_number": format_a_number(election["parent__a_number"]),
            # "E-" and hex digits: nothing to escape.
            "reference": SafeString(election_reference(election["id"])),
            "when": text % {"when": local_time(election["when"], zone, language)},
        }

    return {
        "open": _open_rows(
            [
                {
                    **row(election, saved),
                    "url": resume(election["id"]),
                    "status": statuses[election["status"]],
                    "returned": election["status"] == Status.RETURNED,
                    "return_reason": election["return_reason"],
                }
                for election in lists["open"]
            ]
        ),
        "submitted": [
            {**row(election, sent), "url": summary(election["id"])}
            for election in lists["submitted"]
        ],
        "approved": [
            {
                **row(election, approved),
                "url": summary(election["id"]),
                "pdf_url": record_pdf(election["id"]),
            }
            for election in lists["approved"]
        ],
    }


def _open_rows(rows: list[dict]) -> SafeString:
    """The "To finish" list's items, made in one piece: up to 50 rows on the page every officer
    opens most, where the template's loop cost more than the rest of the page. Every value is
    escaped here (names and reasons are what people typed); links and labels came escaped."""
    if not rows:
        return SafeString("")
    continue_label = html_escape(_("Continue"))
    returned_label = html_escape(_("Returned by the supervisor:"))
    items = []
    for row in rows:
        badge = "text-bg-danger" if row["returned"] else "text-bg-secondary"
        reason = ""
        if row["returned"] and row["return_reason"]:
            reason = (
                '<div class="alert alert-danger mt-2 mb-0" role="note"> '
                f"<strong>{returned_label}</strong> {html_escape(row['return_reason'])} </div> "
            )
        items.append(
            '<li class="list-group-item p-3"> <div class="d-flex flex-wrap align-items-center'
            f' gap-2"> <div class="me-auto"> <a class="fw-semibold stretched-link-none"'
            f' href="{row["url"]}">{html_escape(row["name"])}</a> <span'
            f' class="text-body-secondary">· {html_escape(row["a_number"])} · {row["reference"]}'
            f'</span> <div class="small text-body-secondary">{html_escape(row["when"])}</div>'
            f' </div> <span class="badge {badge} fs-6">{row["status"]}</span> <a class="btn'
            f' btn-outline-primary" href="{row["url"]}">{continue_label}</a> </div> {reason}'
            "</li>\n"
        )
    return SafeString("".join(items))


def home(request, lookup=None):
    profile = selectors.staff_profile_for(user=request.user)
    if profile is not None and profile.role == Role.AUDITOR:
        # Auditors have no officer's flow: their workspace is the search across offices.
        return redirect("audit:search")
    return render(
        request,
        "officer/home.html",
        {
            "lists": _home_lists(request.user, profile.office if profile else None),
            "approved_days": selectors.RECENTLY_APPROVED_DAYS,
            "lookup": lookup or LookupForm(),
        },
    )


def _started(request, election, created: bool):
    """Where a start leads: the new election's first step still to do, or the one already in
    progress."""
    if not created:
        messages.info(
            request,
            _("This parent already has election %(ref)s in progress; it is opened here.")
            % {"ref": election.reference},
        )
    elif election.identity_verified_by_id is None:
        # A parent registered or recorded before: the officer confirms them on the parent step.
        return redirect("elections:parent", election.pk)
    return redirect("elections:resume", election.pk)


def _start_recorded(request, parent):
    """A parent formsvc knows: the election starts from the recorded details and children."""
    try:
        election, created = services.election_start_recorded(actor=request.user, parent=parent)
    except workflow.TransitionError as error:
        messages.error(request, error.message)
        return redirect("elections:home")
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
        return redirect("elections:home")
    return _started(request, election, created)


@require_http_methods(["GET", "POST"])
def start(request):
    profile = selectors.staff_profile_for(user=request.user)
    if profile is None or profile.role not in selectors.EDITOR_ROLES:
        # Only officers and supervisors start elections; auditors read, never write (§5).
        raise PermissionDenied
    if request.method == "POST" and "lookup" in request.POST:
        # The home page's one question: the A-number. A known parent starts at once.
        lookup = LookupForm(request.POST)
        if not lookup.is_valid():
            return home(request, lookup=lookup)
        a_number = lookup.cleaned_data["a_number"]
        parent = selectors.recorded_parent(a_number=a_number)
        if parent is not None:
            return _start_recorded(request, parent)
        form = _start_form(request, profile, initial={"a_number": format_a_number(a_number)})
        return render(request, "officer/start.html", {"form": form, "unknown": a_number})
    form = _start_form(request, profile, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                election, created = services.election_start(
                    actor=request.user, parent=form.parent_data()
                )
                if created:
                    # Where the parent is held and how their identity was verified, taken here
                    # with who they are: the parent step has nothing left to ask (R1). The
                    # parent's details stay as recorded: a correction is made on that step.
                    election = services.election_update_parent(
                        election=election,
                        actor=request.user,
                        parent=services.parent_data_of(election.parent),
                        **form.identity_data(),
                    )
        except workflow.TransitionError as error:
            messages.error(request, error.message)
            return redirect("elections:home")
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return _started(request, election, created)
    return render(request, "officer/start.html", {"form": form})


def _start_form(request, profile, *, data=None, initial=None) -> StartForm:
    """The start form, with the facilities of the officer's office and the usual one proposed."""
    facilities, proposed = selectors.facility_choices_for(
        user=request.user, office_id=profile.office_id
    )
    return StartForm(
        data,
        initial={**(initial or {}), "facility": proposed.pk if proposed else None},
        facilities=facilities,
        facility_queryset=Facility.objects.filter(office_id=profile.office_id),
    )


def resume(request, pk):
    """Open an election where it was left: the first step that still has something missing."""
    election = selectors.election_for_editor(user=request.user, election_id=pk)
    if not election.is_editable:
        return redirect("elections:summary", pk)
    problems = _step_problems(election)
    for key, url_name, _label in _steps():
        if key in problems:
            return redirect(url_name, pk)
    return redirect("elections:review", pk)


# --- Officer steps -------------------------------------------------------------------------


def _display_value(field: str, value) -> str:
    """A recorded or reported fact as the officer reads it, in the officer's language."""
    if value in (None, ""):
        return "—"
    if isinstance(value, date):
        return long_date(value)
    text = str(value)
    if field == "date_of_birth":
        try:
            return long_date(date.fromisoformat(text))
        except ValueError:
            return text
    labelled = {
        "location_kind": ChildLocationKind,
        "relationship": Relationship,
        "evidence": RelationshipEvidence,
    }
    if field in labelled:
        return str(labelled[field](text).label) if text in labelled[field].values else text
    if field == "country_of_citizenship":
        return country_name(text)
    if field == "primary_language":
        return language_name(text)
    if field == "a_number":
        return format_a_number(text)
    return text


def _discrepancies(election, *, children: bool) -> list[dict]:
    """The open discrepancies of the parent (or of the children), each with what formsvc holds
    now beside what the case system reports."""
    links = {link.child_id: link for link in election.parent.child_links.all()}
    shown = []
    for discrepancy in rules.open_discrepancies(election):
        if (discrepancy.child_id is not None) != children:
            continue
        if discrepancy.child_id is None:
            holds = getattr(election.parent, discrepancy.field, discrepancy.recorded_value)
            name = election.parent.full_name
        else:
            link = links[discrepancy.child_id]
            child = link.child
            row = link if discrepancy.field in rules.LINK_FACTS else child
            holds = getattr(row, discrepancy.field, discrepancy.recorded_value)
            name = child.full_name
        shown.append(
            {
                "id": discrepancy.pk,
                "name": name,
                "field": rules.discrepancy_field_label(discrepancy.field),
                "reported": _display_value(discrepancy.field, discrepancy.reported_value),
                "holds": _display_value(discrepancy.field, holds),
            }
        )
    return shown


def _children_complete(election) -> bool:
    """Whether the children step has nothing missing, so the officer can go past it."""
    return not any(
        problem.step == rules.STEP_CHILDREN
        for problem in [*rules.check_children(election), *rules.check_registry(election)]
    )


@require_http_methods(["GET", "POST"])
def parent_step(request, pk):
    election = selectors.election_for_editor(user=request.user, election_id=pk)
    if response := _editable_or_redirect(request, election):
        return response
    parent = election.parent
    facilities, proposed = selectors.facility_choices_for(user=request.user, election=election)
    initial = {
        "full_name": parent.full_name,
        "date_of_birth": parent.date_of_birth,
        "country_of_citizenship": parent.country_of_citizenship,
        "primary_language": parent.primary_language,
        "facility": election.facility_id or (proposed.pk if proposed else None),
        "identity_method": election.identity_method,
        "identity_document": election.identity_document,
    }
    form = ParentForm(
        request.POST or None,
        initial=initial,
        facilities=facilities,
        facility_queryset=Facility.objects.filter(office_id=election.office_id),
        a_number=parent.a_number,
    )
    if request.method == "POST" and form.is_valid():
        try:
            updated = services.election_update_parent(
                election=election,
                actor=request.user,
                parent=form.parent_data(),
                facility=form.cleaned_data["facility"],
                identity_method=form.cleaned_data["identity_method"],
                identity_document=form.cleaned_data["identity_document"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            # Registered children already complete: nothing to do on the children step.
            if _children_complete(updated):
                return redirect("elections:notice", pk)
            return redirect("elections:children", pk)
    links = {link.child_id: link for link in parent.child_links.all()}
    return render(
        request,
        "officer/step_parent.html",
        _context(
            election,
            rules.STEP_PARENT,
            form=form,
            links=links,
            registered=parent.registered_at is not None,
            discrepancies=_discrepancies(election, children=False),
        ),
    )


def _next_child_initial(election, links) -> tuple[str, dict]:
    """What the form for another child proposes: where the child added last is held, and the
    parent's relationship to them with how it was verified (brothers and sisters are most often
    placed together, and have the same parent). The officer checks and changes it; the name,
    the date of birth, the A-number and the verification details are always typed."""
    covered = list(election.covered.all())
    if not covered:
        return "", {}
    child = covered[-1].child
    link = links.get(child.pk)
    initial = {"location_kind": child.location_kind, "location_name": child.location_name}
    if link is not None:
        initial.update(relationship=link.relationship, evidence=link.evidence)
    return child.full_name, initial


@require_http_methods(["GET", "POST"])
def children_step(request, pk):
    election = selectors.election_for_editor(user=request.user, election_id=pk)
    if response := _editable_or_redirect(request, election):
        return response
    links = {link.child_id: link for link in election.parent.child_links.all()}
    proposed_from, initial = _next_child_initial(election, links)
    form = ChildForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.election_add_child(
                election=election, actor=request.user, data=form.child_data()
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("%(name)s was added.") % {"name": form.cleaned_data["full_name"]}
            )
            if request.POST.get("then") == "continue":
                # "Add this child and continue": the last child, and on to the notice when
                # nothing is missing on this step.
                updated = selectors.election_for_editor(user=request.user, election_id=pk)
                if _children_complete(updated):
                    return redirect("elections:notice", pk)
            return redirect("elections:children", pk)
    return render(
        request,
        "officer/step_children.html",
        _context(
            election,
            rules.STEP_CHILDREN,
            form=form,
            links=links,
            discrepancies=_discrepancies(election, children=True),
            adults=selectors.adult_children(election),
            complete=_children_complete(election),
            proposed_from=proposed_from,
        ),
    )


@require_POST
def resolve_discrepancy(request, pk, discrepancy_id):
    """Keep what is recorded, or use what the case system reports: one tap, through the service."""
    election = selectors.election_for_editor(user=request.user, election_id=pk)
    if response := _editable_or_redirect(request, election):
        return response
    back = "elections:children" if request.POST.get("step") == "children" else "elections:parent"
    resolution = request.POST.get("resolution")
    if resolution not in ("kept", "accepted"):
        messages.error(request, _("Choose what to keep."))
        return redirect(back, pk)
    discrepancy = next(
        (d for d in rules.open_discrepancies(election) if d.pk == discrepancy_id), None
    )
    try:
        if discrepancy is None:
            raise ValidationError(
                _(
                    "This discrepancy was already resolved, or it is not about this parent or "
                    "their children."
                )
            )
        intake.discrepancy_resolve(
            discrepancy=discrepancy, actor=request.user, accept=resolution == "accepted"
        )
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
    except PermissionDenied as error:
        messages.error(request, str(error))
    except workflow.TransitionError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The case system's value is now recorded.")
            if resolution == "accepted"
            else _("What was recorded is kept."),
        )
    return redirect(back, pk)


@require_POST
def remove_child(request, pk, item_id):
    election = selectors.election_for_editor(user=request.user, election_id=pk)
    try:
        services.election_remove_child(election=election, actor=request.user, item_id=item_id)
    except (ValidationError, workflow.TransitionError) as error:
        messages.error(request, getattr(error, "message", None) or "; ".join(error.messages))
    return redirect("elections:children", pk)


@require_http_methods(["GET", "POST"])
def notice_step(request, pk):
    election = selectors.election_for_editor(user=request.user, election_id=pk)
    if response := _editable_or_redirect(request, election):
        return response
    languages = selectors.notice_languages()
    witnesses, proposed = selectors.witness_choices_for(election=election, user=request.user)
    form = NoticeForm(
        request.POST or None,
        initial=notice_initial(election, languages=languages, witness=proposed),
        languages=languages,
        witnesses=witnesses,
        witness_queryset=selectors.witness_users(
            office=election.office, exclude_user=election.presented_by
        ),
        parent_language=election.parent.primary_language,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.election_set_notice(
                election=election,
                actor=request.user,
                language=form.cleaned_data["language"],
                delivery_mode=form.cleaned_data["delivery_mode"],
                interpreter=form.interpreter_data(),
                witness=form.cleaned_data["witness"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return _hand_over(request, pk)
    return render(
        request,
        "officer/step_notice.html",
        _context(
            election,
            rules.STEP_NOTICE,
            form=form,
            interpreter_modes=[str(m) for m in INTERPRETER_MODES],
            telephone_mode=str(DeliveryMode.INTERPRETER_TELEPHONE),
        ),
    )


def _problems_before_parent(election) -> list[rules.Problem]:
    """What must be done on the officer's steps before the parent's screens can start."""
    grouped = _step_problems(election)
    return [
        problem
        for step in (rules.STEP_PARENT, rules.STEP_CHILDREN, rules.STEP_NOTICE)
        for problem in grouped.get(step, [])
    ]


def _hand_over(request, pk):
    """After the notice step the tablet goes to the parent: their screens start at once, and
    that moment is recorded as the notice's delivery (R3, R8). With something still missing, or
    a notice already shown, the hand-over page says so first."""
    election = selectors.election_for_editor(user=request.user, election_id=pk)
    if (
        request.POST.get("then") != "parent"
        or _problems_before_parent(election)
        or election.notice_delivered_at is not None
    ):
        return redirect("elections:handover", pk)
    try:
        services.election_record_notice_shown(election=election, actor=request.user)
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
        return redirect("elections:handover", pk)
    return redirect("elections:parent_notice", pk)


@require_http_methods(["GET", "POST"])
def handover(request, pk):
    """The officer hands the tablet to the parent; starting the parent's screens stamps the notice."""
    election = selectors.election_for_editor(user=request.user, election_id=pk)
    if response := _editable_or_redirect(request, election):
        return response
    before = _problems_before_parent(election)
    if request.method == "POST" and not before:
        try:
            services.election_record_notice_shown(election=election, actor=request.user)
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
            return redirect("elections:handover", pk)
        return redirect("elections:parent_notice", pk)
    return render(
        request,
        "officer/handover.html",
        _context(
            election,
            rules.STEP_DECISIONS,
            blocking=before,
            has_legal_providers=LegalServiceProvider.objects.shown_for(election.office).exists(),
        ),
    )


# --- The parent's screens ------------------------------------------------------------------


def _parent_screen(request, election, template, **extra):
    language = _parent_language(election)
    officer_language = translation.get_language()
    with translation.override(language):
        context = {
            "election": election,
            "officer_language": officer_language,
            "parent_language": language,
            "notice": election.notice_version,
            "notice_en": election.notice_version_en,
            "side_by_side": election.notice_version_en is not None
            and election.notice_version_id != election.notice_version_en_id,
            **extra,
        }
        response = render(request, template, context)
        response.headers["Content-Language"] = language
        return response


def _parent_ready(election):
    return election.is_editable and election.notice_delivered_at is not None


@never_cache
@require_http_methods(["GET"])
def parent_notice(request, pk):
    election = selectors.election_for_editor(user=request.user, election_id=pk)
    if not _parent_ready(election):
        return redirect("elections:resume", pk)
    notice, notice_en = election.notice_version, election.notice_version_en
    return _parent_screen(
        request,
        election,
        "officer/parent_notice.html",
        children=list(election.covered.select_related("child")),
        providers=list(LegalServiceProvider.objects.shown_for(election.office)),
        legal_help=_legal_help_text(notice),
        legal_help_en=_legal_help_text(notice_en) if notice_en else "",
    )


LEGAL_HELP_HEADING = gettext_lazy("How to get legal help")


def _comparable(text: str) -> str:
    return " ".join(text.casefold().replace("’", "'").split()).rstrip(" .:")


def _legal_help_text(version) -> str:
    """The notice's legal-help text under the screen's own heading: a first paragraph that only
    repeats the heading ("How to get legal help.") is not shown twice. Nothing else is changed."""
    with translation.override(version.language):
        heading = _comparable(str(LEGAL_HELP_HEADING))
    first, _sep, rest = version.legal_help.strip().partition("\n\n")
    if rest and _comparable(first) == heading:
        return rest.strip()
    return version.legal_help


@never_cache
@require_http_methods(["GET", "POST"])
def parent_choices(request, pk):
    election = selectors.election_for_editor(user=request.user, election_id=pk)
    if not _parent_ready(election):
        return redirect("elections:resume", pk)
    language = _parent_language(election)
    with translation.override(language):
        form = ChoicesForm(request.POST or None, covered=election.covered.all())
        if request.method == "POST" and form.is_valid():
            try:
                services.election_record_decisions(
                    election=election, actor=request.user, decisions=form.decisions()
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                return redirect("elections:parent_sign", pk)
    options = [
        {
            "value": choice.value,
            "label": choice.label,
            "text": election.notice_version.option_text(choice.value),
            "text_en": election.notice_version_en.option_text(choice.value),
        }
        for choice in Decision
    ]
    return _parent_screen(
        request, election, "officer/parent_choices.html", form=form, options=options
    )


@never_cache
@too_large_message(TOO_LARGE)
@require_http_methods(["GET", "POST"])
def parent_sign(request, pk):
    election = selectors.election_for_editor(user=request.user, election_id=pk)
    if not _parent_ready(election):
        return redirect("elections:resume", pk)
    language = _parent_language(election)
    with translation.override(language):
        form = ParentSignForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.election_sign_parent(
                    election=election,
                    actor=request.user,
                    method=form.cleaned_data["method"],
                    image=form.cleaned_data["signature"],
                    reason=form.cleaned_data["reason"],
                    covers=form.cleaned_data["covers"],
                )
            except ValidationError as error:
                # A stale page is shown again with the choices as they now stand, and a
                # digest of those: the parent checks them and signs again.
                _add_errors(form, error)
            except IntegrityError:
                # A second tap of Finish raced the first to the same signature: the first
                # recorded it, for the choices this page showed (the digest held for both).
                return redirect("elections:handback", pk)
            else:
                return redirect("elections:handback", pk)
    return _parent_screen(
        request,
        election,
        "officer/parent_sign.html",
        form=form,
        # Lazy: the screen renders each in the parent's language and in English.
        meaning=services.SIGNATURE_MEANINGS[SignatureRole.PARENT],
        pad_label=gettext_lazy("Your signature or mark"),
        decisions=[item for item in election.covered.all()],
        covers=rules.parent_consent_digest(election),
    )


@require_http_methods(["GET"])
def handback(request, pk):
    """The parent gives the tablet back. Shows no names: the screen may be seen by anyone."""
    election = selectors.election_for_editor(user=request.user, election_id=pk)
    return _parent_screen(request, election, "officer/handback.html")


# --- Staff signatures, review, submit ------------------------------------------------------


def _save_signing_part(election, *, actor, part: str, data: dict) -> None:
    """The write behind one part of the staff-signatures form."""
    if part == "legal":
        services.election_record_legal_contact(
            election=election, actor=actor, text=data["legal_contact"]
        )
    elif part == "interpreter":
        services.election_sign_interpreter(election=election, actor=actor, image=data["signature"])
    else:
        services.election_sign_staff(
            election=election,
            actor=actor,
            role=SignatureRole(part),
            signer_username=(
                data["username"] if part == "witness" else election.presented_by.get_username()
            ),
            password=data["password"],
            image=data["signature"],
        )


def _sign_part_labels():
    return {
        "legal": _("Legal contact"),
        "interpreter": _("Interpreter"),
        "witness": _("Witness"),
        "officer": _("Presenting officer"),
    }


def _sign_errors(forms, failed) -> list[tuple[dict, list[str]]]:
    """Every problem of every part not signed, for the list at the top of the page."""
    labels = _sign_part_labels()
    listed = []
    for part in failed:
        form = forms[part]
        messages_ = [
            str(message) if name == "__all__" else f"{form.fields[name].label}: {message}"
            for name, errors in form.errors.items()
            for message in errors
        ]
        listed.append(({"key": part, "label": labels[part]}, messages_))
    return listed


def _attestations(election) -> dict[str, dict]:
    """What each staff signer (and the interpreter) attests, in the words the sealed PDF prints
    for their signature (``services.SIGNATURE_MEANINGS``), in the language of the screen. The
    interpreter's is stored and printed in the notice's language beside the English: where that
    is another language of the screen, it is shown in it too."""
    screen = translation.get_language()
    supported = {code for code, _name in settings.LANGUAGES}
    shown = {}
    for role in (SignatureRole.INTERPRETER, SignatureRole.WITNESS, SignatureRole.OFFICER):
        text = services.SIGNATURE_MEANINGS[role]
        shown[role.value] = {"text": str(text), "language": screen}
    notice = election.notice_language
    if notice and notice != screen and notice in supported:
        with translation.override(notice):
            shown[SignatureRole.INTERPRETER.value].update(
                local_text=str(services.SIGNATURE_MEANINGS[SignatureRole.INTERPRETER]),
                local_language=notice,
            )
    return shown


def _staff_sign_page(request, election, forms, *, failed=()):
    signatures = {s.role: s for s in election.signatures.all()}
    return render(
        request,
        "officer/step_sign.html",
        _context(
            election,
            rules.STEP_STAFF_SIGN,
            forms=forms,
            attestations=_attestations(election),
            errors=_sign_errors(forms, failed),
            signatures=signatures,
            needs_legal="legal" in forms,
            telephone=election.delivery_mode == DeliveryMode.INTERPRETER_TELEPHONE,
            parent_signed=SignatureRole.PARENT in signatures,
        ),
    )


@too_large_message(TOO_LARGE)
@require_http_methods(["GET", "POST"])
def staff_sign(request, pk):
    """One form for everything still to sign: each part is checked and saved on its own, so a
    wrong password keeps what the others signed; every problem is listed at once, with what was
    typed (and drawn) kept for the parts still to do. Then the review."""
    election = selectors.election_for_editor(user=request.user, election_id=pk)
    if response := _editable_or_redirect(request, election):
        return response
    if request.method != "POST":
        return _staff_sign_page(request, election, staff_sign_forms(election))
    forms = staff_sign_forms(election, request.POST)
    failed = []
    for part in SIGN_PARTS:
        form = forms.get(part)
        if form is None:
            continue
        if not form.is_valid():
            failed.append(part)
            continue
        try:
            _save_signing_part(election, actor=request.user, part=part, data=form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
            failed.append(part)
        except workflow.TransitionError as error:
            messages.error(request, error.message)
            return redirect("elections:summary", pk)
    if not failed:
        if forms:
            messages.success(request, _("Saved."))
        return redirect("elections:review", pk)
    # What was signed is saved; the parts still to do are shown again with their problems.
    election = selectors.election_for_editor(user=request.user, election_id=pk)
    remaining = staff_sign_forms(election)
    shown = {part: forms[part] if part in failed else remaining[part] for part in remaining}
    return _staff_sign_page(request, election, shown, failed=failed)


@require_http_methods(["GET"])
def review(request, pk):
    election = selectors.election_for_editor(user=request.user, election_id=pk)
    if response := _editable_or_redirect(request, election):
        return response
    return render(
        request,
        "officer/review.html",
        _context(
            election,
            "review",
            all_problems=_with_step_links(election, rules.submission_problems(election)),
            warnings=rules.warnings(election),
            minutes=_whole_minutes(election),
            void_form=VoidForm(),
            signatures={s.role: s for s in election.signatures.all()},
        ),
    )


@require_POST
@busy.refuse_when_busy(back="elections:review")
def submit(request, pk):
    election = selectors.election_for_editor(user=request.user, election_id=pk)
    try:
        workflow.election_submit(election=election, actor=request.user)
    except workflow.RulesNotMet as error:
        messages.error(request, error.message)
        return redirect("elections:review", pk)
    except workflow.TransitionError as error:
        # A second tap on "Submit" (or a retry after a dropped connection) lands here: the
        # election was submitted once and stays one record.
        messages.info(request, error.message)
    return redirect("elections:submitted", pk)


@require_http_methods(["GET"])
def submitted(request, pk):
    """The hand-back screen at the end of the flow: the reference only, no personal data."""
    election = selectors.election_for_editor(
        user=request.user, election_id=pk, queryset=selectors.Election.objects.all()
    )
    if election.status != Status.SUBMITTED:
        return redirect("elections:summary", pk)
    return render(request, "officer/submitted.html", {"election": election})


@require_POST
@busy.refuse_when_busy(back="elections:review")
def void(request, pk):
    election = selectors.election_for_editor(user=request.user, election_id=pk)
    form = VoidForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason this election is being voided."))
        return redirect("elections:review", pk)
    try:
        workflow.election_void(
            election=election, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except workflow.TransitionError as error:
        messages.error(request, error.message)
        return redirect("elections:review", pk)
    messages.success(request, _("Election %(ref)s was voided.") % {"ref": election.reference})
    return redirect("elections:home")


@require_http_methods(["GET"])
def summary(request, pk):
    """A read-only view of an election that can no longer be edited by the officer; an approved
    one as it was sealed."""
    election = election_as_shown(selectors.election_for_editor(user=request.user, election_id=pk))
    return render(
        request,
        "officer/summary.html",
        {
            "election": election,
            "warnings": rules.warnings(election),
            "minutes": _whole_minutes(election),
            "signatures": {s.role: s for s in election.signatures.all()},
        },
    )
