"""The officer's tablet flow. Thin: fetch through a permission-checking selector, validate a form,
call one service or workflow function, redirect.

Every step saves to the database when it is posted, so a dropped connection or an expired session
loses at most the page being typed, and the browser keeps even that (static/js/flow.js).
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from elections import busy, rules, selectors, services, workflow
from elections.constants import (
    INTERPRETER_MODES,
    Decision,
    DeliveryMode,
    Role,
    SignatureRole,
    Status,
)
from elections.middleware import too_large_message
from elections.models import Facility
from elections.records.sealed_state import election_as_shown
from elections.signature_images import TOO_LARGE

from .forms import (
    SIGN_ACTIONS,
    ChildForm,
    ChoicesForm,
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


def home(request):
    profile = selectors.staff_profile_for(user=request.user)
    if profile is not None and profile.role == Role.AUDITOR:
        # Auditors have no officer's flow: their workspace is the search across offices.
        return redirect("audit:search")
    return render(
        request,
        "officer/home.html",
        {"lists": selectors.officer_home_elections(user=request.user)},
    )


@require_http_methods(["GET", "POST"])
def start(request):
    profile = selectors.staff_profile_for(user=request.user)
    if profile is None or profile.role not in selectors.EDITOR_ROLES:
        # Only officers and supervisors start elections; auditors read, never write (§5).
        raise PermissionDenied
    form = StartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            election, created = services.election_start(
                actor=request.user, parent=form.parent_data()
            )
        except workflow.TransitionError as error:
            messages.error(request, error.message)
            return redirect("elections:home")
        if not created:
            messages.info(
                request,
                _("This parent already has election %(ref)s in progress; it is opened here.")
                % {"ref": election.reference},
            )
            return redirect("elections:resume", election.pk)
        return redirect("elections:parent", election.pk)
    return render(request, "officer/start.html", {"form": form})


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


@require_http_methods(["GET", "POST"])
def parent_step(request, pk):
    election = selectors.election_for_editor(user=request.user, election_id=pk)
    if response := _editable_or_redirect(request, election):
        return response
    parent = election.parent
    initial = {
        "full_name": parent.full_name,
        "date_of_birth": parent.date_of_birth,
        "country_of_citizenship": parent.country_of_citizenship,
        "primary_language": parent.primary_language,
        "facility": election.facility_id,
        "identity_method": election.identity_method,
        "identity_document": election.identity_document,
    }
    form = ParentForm(
        request.POST or None,
        initial=initial,
        facilities=Facility.objects.filter(office_id=election.office_id),
        a_number=parent.a_number,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.election_update_parent(
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
            return redirect("elections:children", pk)
    return render(
        request, "officer/step_parent.html", _context(election, rules.STEP_PARENT, form=form)
    )


@require_http_methods(["GET", "POST"])
def children_step(request, pk):
    election = selectors.election_for_editor(user=request.user, election_id=pk)
    if response := _editable_or_redirect(request, election):
        return response
    form = ChildForm(request.POST or None)
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
            return redirect("elections:children", pk)
    links = {link.child_id: link for link in election.parent.child_links.all()}
    return render(
        request,
        "officer/step_children.html",
        _context(election, rules.STEP_CHILDREN, form=form, links=links),
    )


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
    form = NoticeForm(
        request.POST or None,
        initial=notice_initial(election),
        languages=selectors.notice_languages(),
        witnesses=selectors.witness_users(
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
            return redirect("elections:handover", pk)
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


@require_http_methods(["GET", "POST"])
def handover(request, pk):
    """The officer hands the tablet to the parent; starting the parent's screens stamps the notice."""
    election = selectors.election_for_editor(user=request.user, election_id=pk)
    if response := _editable_or_redirect(request, election):
        return response
    before = [p for step in (rules.STEP_PARENT, rules.STEP_CHILDREN, rules.STEP_NOTICE)
              for p in _step_problems(election).get(step, [])]  # fmt: skip
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
        _context(election, rules.STEP_DECISIONS, blocking=before),
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
    return _parent_screen(request, election, "officer/parent_notice.html")


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
            else:
                return redirect("elections:handback", pk)
        with translation.override("en"):
            meaning_en = str(services.SIGNATURE_MEANINGS[SignatureRole.PARENT])
        meaning = str(services.SIGNATURE_MEANINGS[SignatureRole.PARENT])
    return _parent_screen(
        request,
        election,
        "officer/parent_sign.html",
        form=form,
        meaning=meaning,
        meaning_en=meaning_en,
        decisions=[item for item in election.covered.all()],
        covers=rules.parent_consent_digest(election),
    )


@require_http_methods(["GET"])
def handback(request, pk):
    """The parent gives the tablet back. Shows no names: the screen may be seen by anyone."""
    election = selectors.election_for_editor(user=request.user, election_id=pk)
    return _parent_screen(request, election, "officer/handback.html")


# --- Staff signatures, review, submit ------------------------------------------------------


def _save_signing_step(election, *, actor, action: str, data: dict) -> None:
    """The write behind one form of the staff-signatures page."""
    if action == "legal":
        services.election_record_legal_contact(
            election=election, actor=actor, text=data["legal_contact"]
        )
    elif action == "interpreter":
        services.election_sign_interpreter(election=election, actor=actor, image=data["signature"])
    else:
        services.election_sign_staff(
            election=election,
            actor=actor,
            role=SignatureRole(action),
            signer_username=data["username"],
            password=data["password"],
            image=data["signature"],
        )


def _staff_sign_page(request, election, forms):
    signatures = {s.role: s for s in election.signatures.all()}
    return render(
        request,
        "officer/step_sign.html",
        _context(
            election,
            rules.STEP_STAFF_SIGN,
            forms=forms,
            signatures=signatures,
            needs_legal=any(item.decision == Decision.CONSULT for item in election.covered.all()),
            telephone=election.delivery_mode == DeliveryMode.INTERPRETER_TELEPHONE,
            parent_signed=SignatureRole.PARENT in signatures,
        ),
    )


@too_large_message(TOO_LARGE)
@require_http_methods(["GET", "POST"])
def staff_sign(request, pk):
    election = selectors.election_for_editor(user=request.user, election_id=pk)
    if response := _editable_or_redirect(request, election):
        return response
    action = request.POST.get("action") if request.method == "POST" else None
    forms = staff_sign_forms(election, request.POST, action)
    if action in SIGN_ACTIONS and (form := forms[action]).is_valid():
        try:
            _save_signing_step(election, actor=request.user, action=action, data=form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        except workflow.TransitionError as error:
            messages.error(request, error.message)
            return redirect("elections:summary", pk)
        else:
            messages.success(request, _("Saved."))
            return HttpResponseRedirect(reverse("elections:staff_sign", args=[pk]) + f"#{action}")
    return _staff_sign_page(request, election, forms)


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
            all_problems=rules.submission_problems(election),
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
            "minutes": rules.minutes_to_decide(election),
            "signatures": {s.role: s for s in election.signatures.all()},
        },
    )
