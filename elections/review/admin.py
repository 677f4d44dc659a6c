"""The supervisor's approval queue and review page (DESIGN.md §2, R7).

The changelist is the queue of the supervisor's field office; the change page is a read-only
review of the full record, the R1-R13 checklist, the warnings to acknowledge and the history,
with two forms: approve and return. Both post to their own URL and call ``workflow``; nothing here
writes to an election. An election of another office does not exist here (404 on every URL).
"""

import logging
from html import escape as html_escape
from uuid import UUID

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.templatetags.admin_list import result_headers
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters, admin_urlname
from django.contrib.admin.utils import quote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from elections import busy, rules, second_factor, selectors, workflow
from elections.constants import Decision, Role, Status
from elections.links import link_for_each
from elections.models import ApprovalAttempt, Election
from elections.records.sealed_state import election_as_shown
from elections.records.snapshot import record_language

from .checklist import checklist
from .queue import queue_rows


def _e(value) -> str:
    """``value`` escaped for HTML, unless it is markup already (SafeString): the standard
    library's escape, as Django's ``escape`` does it, without its lazy-string checks."""
    if isinstance(value, SafeString):
        return value
    return html_escape(str(value))


logger = logging.getLogger("formsvc.review")


def grouped_warnings(election) -> list[dict]:
    """The warnings to acknowledge, one entry per code (R7): its rule and every message."""
    grouped: dict[str, list] = {}
    for warning in rules.warnings(election):
        grouped.setdefault(warning.code, []).append(warning)
    return [
        {"code": code, "rule": items[0].rule, "messages": [str(w.message) for w in items]}
        for code, items in grouped.items()
    ]


class ApproveForm(forms.Form):
    """The supervisor's approval. ``clean`` lists every part that is missing at once: each
    warning not acknowledged and the attestation not confirmed; the view adds a missing or wrong
    password, which only the workflow checks (and records)."""

    password = forms.CharField(
        label=_("Your password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    # The second factor, asked again for each approval (elections/second_factor.py): a code typed
    # here, or a passkey assertion made for this approval (static/js/passkey.js).
    second_factor_code = forms.CharField(
        label=_("Code from your authenticator app"), required=False, max_length=32
    )
    second_factor_passkey = forms.CharField(required=False, widget=forms.HiddenInput)
    attestation = forms.BooleanField(label=workflow.APPROVAL_ATTESTATION, required=False)
    acknowledge = forms.MultipleChoiceField(required=False)
    token = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, warnings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.warnings = list(warnings)
        self.fields["acknowledge"].choices = [(w["code"], w["rule"]) for w in self.warnings]

    def clean(self):
        data = super().clean()
        acknowledged = set(data.get("acknowledge") or ())
        for warning in self.warnings:
            if warning["code"] not in acknowledged:
                self.add_error(
                    "acknowledge",
                    _("Acknowledge the warning %(rule)s: %(message)s")
                    % {"rule": warning["rule"], "message": " ".join(warning["messages"])},
                )
        if not data.get("attestation"):
            self.add_error("attestation", _("Confirm the attestation to approve."))
        return data

    def acknowledged(self) -> set[str]:
        return set(self["acknowledge"].value() or ()) if self.is_bound else set()

    def every_error(self) -> list[str]:
        """Every missing part, in the order the form shows them."""
        return [
            str(message)
            for name in ("acknowledge", "attestation", "password", "second_factor_code", "token")
            for message in self.errors.get(name, [])
        ] + [str(message) for message in self.non_field_errors()]


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("What the officer must correct"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    token = forms.CharField(required=False, widget=forms.HiddenInput)


class DecisionFilter(admin.SimpleListFilter):
    title = _("decision")
    parameter_name = "decision"

    def lookups(self, request, model_admin):
        return [*Decision.choices, ("none", _("No election recorded"))]

    def queryset(self, request, queryset):
        condition = selectors.election_decision_q(self.value()) if self.value() else None
        return queryset.filter(condition) if condition is not None else queryset


class FlagFilter(admin.SimpleListFilter):
    title = _("flags")
    parameter_name = "flag"

    def lookups(self, request, model_admin):
        return [
            ("fast", _("Decided faster than the minimum (R13)")),
            ("telephone", _("Interpreter by telephone")),
            ("unverified", _("Relationship not verified")),
            ("no_election", _("Parent did not sign")),
            ("consult_pending", _("Consult pending")),
            ("returned_before", _("Returned before")),
        ]

    def queryset(self, request, queryset):
        condition = selectors.election_flag_q(self.value()) if self.value() else None
        return queryset.filter(condition) if condition is not None else queryset


class QueueChangeList(ChangeList):
    """The queue's changelist: Django's filters, search, sorting and pagination, with the page's
    rows read by ``queue.queue_rows`` and each cell made by the admin's column of that name."""

    def get_results(self, request):
        super().get_results(request)
        self.result_list = queue_rows(self.result_list)

    @cached_property
    def queue_headers(self) -> list[dict]:
        return list(result_headers(self))

    @cached_property
    def num_sorted_fields(self) -> int:
        return sum(1 for header in self.queue_headers if header["sortable"] and header["sorted"])

    def queue_results(self) -> SafeString:
        """The rows of the admin's results table as one piece of markup, one ``<tr>`` an
        election: its cells, made by the admin's columns, the first one a link to the review that
        keeps the queue's filters (queue_results.html puts it in the admin's table)."""
        if not self.result_list:
            return SafeString("")
        first, *others = self.list_display
        row = f'<tr><th class="field-{first}"><a href="{{}}">{{}}</a></th>' + "".join(
            f'<td class="field-{name}">{{}}</td>' for name in others
        )
        row += "</tr>\n"
        columns = [getattr(self.model_admin, name) for name in self.list_display]
        empty = self.model_admin.get_empty_value_display()
        # The review's address, with the queue's filters kept (the same for every row).
        change, site = admin_urlname(self.opts, "change"), self.model_admin.admin_site.name
        sample = reverse(change, args=(UUID(int=0),), current_app=site)
        kept = add_preserved_filters(
            {"preserved_filters": self.preserved_filters, "opts": self.opts}, sample
        )[len(sample) :]
        link = link_for_each(change, current_app=site, query=kept)
        # Each column's cell is markup it made (escaped value by value) or plain text (the
        # officer's name, the empty value), escaped here.
        return SafeString(
            "".join(
                row.format(
                    link(quote(election.id)),
                    *(_e(column(election) or empty) for column in columns),
                )
                for election in self.result_list
            )
        )


@admin.register(Election)
class ElectionAdmin(SimpleHistoryAdmin):
    # Six columns that wrap, so that nothing is cut off at 1180 px: the time to decide is read
    # under the notice, the submission time and the wait under the status.
    list_display = (
        "parent_column",
        "children_column",
        "notice_column",
        "flags_column",
        "officer_column",
        "status_column",
    )
    list_display_links = ("parent_column",)
    list_filter = ("status", DecisionFilter, FlagFilter)
    search_fields = ("parent__full_name", "parent__a_number", "covered__child__full_name")
    search_help_text = _("A-number (any format) or name of the parent or a child")
    list_per_page = 50
    # One COUNT instead of two on every page of the queue.
    show_full_result_count = False
    actions = None
    review_template = "admin/elections/election/review.html"

    # --- who may do what ----------------------------------------------------------------------

    def _is_reviewer(self, request) -> bool:
        return self.admin_site.has_permission(request)

    def has_module_permission(self, request):
        return self._is_reviewer(request)

    def has_view_permission(self, request, obj=None):
        return self._is_reviewer(request)

    def has_add_permission(self, request):
        return False  # elections are started on the officer's tablet

    def has_change_permission(self, request, obj=None):
        return False  # approve and return are their own forms, through workflow.py

    def has_delete_permission(self, request, obj=None):
        return False  # nobody deletes an election (R9)

    def get_readonly_fields(self, request, obj=None):
        # The only form the admin builds for an election is the history's read-only view.
        return [field.name for field in self.opts.concrete_fields]

    def get_queryset(self, request):
        return selectors.election_queue(user=request.user)

    def get_ordering(self, request):
        # Awaiting approval first, then the oldest submission first (queue_rank: selectors).
        return ("queue_rank", "submitted_at", "created_at")

    def get_search_results(self, request, queryset, search_term):
        by_a_number = selectors.election_search_q(search_term.strip())
        if by_a_number is not None:
            return queryset.filter(by_a_number), False
        return super().get_search_results(request, queryset, search_term)

    def _in_scope_or_404(self, request, object_id) -> None:
        try:
            found = self.get_queryset(request).filter(pk=object_id).exists()
        except (ValidationError, ValueError):  # a malformed id is just "not found"
            found = False
        if not found:
            raise Http404

    # --- the queue's columns ------------------------------------------------------------------
    # Each column formats a QueueRow (queue.py): the page's rows are read in a fixed number of
    # queries and computed once, then rendered as cells by QueueChangeList, without the admin's
    # per-cell lookups.

    def get_changelist(self, request, **kwargs):
        return QueueChangeList

    # Each column is one string made with the standard library's escape of every value (a
    # name, a label, a time: plain text, never markup), 50 rows a page: format_html's per-value
    # machinery was most of a row's cost.

    @admin.display(description=_("parent"), ordering="parent__full_name")
    def parent_column(self, row):
        return SafeString(
            f"{_e(row.parent_name)}<br><span class='queue-muted'><span class='queue-id'>"
            f"{_e(row.a_number)}</span> · <span class='queue-id'>{_e(row.reference)}</span></span>"
        )

    @admin.display(description=_("status and waiting"), ordering="status")
    def status_column(self, row):
        html = f"<span class='queue-status queue-status-{_e(row.status)}'>{_e(row.status_label)}</span>"
        if row.submitted:
            html += f"<br><span class='queue-muted'>{_e(row.submitted)}</span>"
            if row.waiting:
                html += f"<br><span class='queue-waiting'>{_e(row.waiting)}</span>"
        return SafeString(html)

    @admin.display(description=_("children and decisions"))
    def children_column(self, row):
        return SafeString(
            "".join(
                f"<span class='queue-child'>{_e(name)}: <strong>{_e(decision)}</strong></span>"
                for name, decision in row.children
            )
        )

    @admin.display(description=_("notice and time to decide"))
    def notice_column(self, row):
        if not row.language:
            return "—"
        decision_time = _e(row.decision_time)
        if row.too_fast:
            decision_time = f"<span class='queue-flag'>{decision_time} · {_e(row.too_fast)}</span>"
        interpreter = f": {_e(row.interpreter)}" if row.interpreter else ""
        return SafeString(
            f"{_e(row.language)}<br><span class='queue-muted'>{_e(row.delivery)}{interpreter}"
            f"</span><br>{decision_time}"
        )

    @admin.display(description=_("flags"))
    def flags_column(self, row):
        return SafeString(
            "<br>".join(f"<span class='queue-flag'>{_e(flag)}</span>" for flag in row.flags)
        )

    @admin.display(description=_("officer"), ordering="presented_by__last_name")
    def officer_column(self, row):
        return row.officer

    # --- URLs: review, approve, return; every one scoped to the office ---------------------

    def get_urls(self):
        app, model = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/approve/",
                self.admin_site.admin_view(self.approve_view),
                name=f"{app}_{model}_approve",
            ),
            path(
                "<path:object_id>/return/",
                self.admin_site.admin_view(self.return_view),
                name=f"{app}_{model}_return",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        election = selectors.election_for_review(user=request.user, election_id=object_id)
        # An approved or superseded record is reviewed as it was sealed, not as the parent's
        # and children's rows read today.
        return self._review(request, election_as_shown(election))

    def history_view(self, request, object_id, extra_context=None):
        self._in_scope_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Revert is off (R9): a past version can be looked at, never posted back.
        self._in_scope_or_404(request, object_id)
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        return super().history_form_view(request, object_id, version_id, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self._in_scope_or_404(request, object_id)
        raise PermissionDenied

    NO_SECOND_FACTOR = _(
        "Confirm the approval with your second factor: type the code your authenticator app "
        "shows, or use your passkey."
    )
    WRONG_SECOND_FACTOR = _(
        "The second factor was not confirmed: the code is not correct or was already used, or "
        "the passkey confirmation is over two minutes old. Try again with a new code."
    )

    @method_decorator(busy.refuse_when_busy(back="admin:elections_election_change"))
    def approve_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        election = selectors.election_for_review(user=request.user, election_id=object_id)
        form = ApproveForm(request.POST, warnings=grouped_warnings(election))
        complete = form.is_valid()
        password = form.cleaned_data.get("password", "")
        seen_token = form.cleaned_data.get("token", "")
        code = form.cleaned_data.get("second_factor_code", "")
        offered = bool(
            second_factor.normalise_code(code) or form.cleaned_data.get("second_factor_passkey")
        )
        try:
            if not complete or not offered:
                # Something else is missing: the password is checked (and a refusal recorded)
                # now all the same, so that the page lists every missing part at once. A code
                # typed is not used up until everything else is right.
                if not offered:
                    form.add_error("second_factor_code", self.NO_SECOND_FACTOR)
                workflow.approval_precheck(
                    election=election, actor=request.user, password=password, seen_token=seen_token
                )
                return self._review(request, election_as_shown(election), approve_form=form)
            # Everything else is right: the password first (a wrong one is recorded), then the
            # second factor, used up now whatever happens next.
            workflow.approval_precheck(
                election=election, actor=request.user, password=password, seen_token=seen_token
            )
            if not second_factor.confirm_for_approval(request, code):
                logger.warning(
                    "approval refused: second factor not confirmed; election %s; supervisor %s",
                    election.reference,
                    request.user.get_username(),
                )
                form.add_error("second_factor_code", self.WRONG_SECOND_FACTOR)
                return self._review(request, election_as_shown(election), approve_form=form)
            workflow.election_approve(
                election=election,
                actor=request.user,
                password=password,
                attestation_confirmed=True,
                acknowledged_warnings=form.cleaned_data["acknowledge"],
                seen_token=seen_token,
            )
        except workflow.PasswordNotConfirmed as error:
            form.add_error("password", error.message)
            return self._review(request, election_as_shown(election), approve_form=form)
        except workflow.TransitionError as error:
            self._report_refusal(request, error)
            return redirect(self._review_url(election))
        messages.success(
            request,
            _("Election %(ref)s for %(parent)s is approved.")
            % {"ref": election.reference, "parent": election.parent.full_name},
        )
        return redirect("admin:elections_election_changelist")

    @method_decorator(busy.refuse_when_busy(back="admin:elections_election_change"))
    def return_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        election = selectors.election_for_review(user=request.user, election_id=object_id)
        form = ReturnForm(request.POST)
        form.is_valid()
        try:
            workflow.election_return(
                election=election,
                actor=request.user,
                reason=form.cleaned_data.get("reason", ""),
                seen_token=form.cleaned_data.get("token", ""),
            )
        except workflow.TransitionError as error:
            self._report_refusal(request, error)
            return redirect(self._review_url(election))
        messages.success(
            request,
            _("Election %(ref)s is returned to %(officer)s with your reason.")
            % {
                "ref": election.reference,
                "officer": election.presented_by.get_full_name()
                or election.presented_by.get_username(),
            },
        )
        return redirect("admin:elections_election_changelist")

    def _report_refusal(self, request, error: workflow.TransitionError) -> None:
        messages.error(request, error.message)
        for problem in error.problems:
            messages.error(request, str(problem))

    def _review_url(self, election) -> str:
        return reverse("admin:elections_election_change", args=[election.pk])

    # --- the review page ------------------------------------------------------------------

    def _review(self, request, election, *, approve_form=None):
        profile = selectors.staff_profile_for(user=request.user)
        is_supervisor_here = (
            profile is not None
            and profile.role == Role.SUPERVISOR
            and profile.office_id == election.office_id
        )
        # Exactly what the supervisor did (presented, witnessed, signed), never a vaguer reason.
        conflict = workflow.reviewer_conflict(election, request.user)
        can_decide = election.status == Status.SUBMITTED and is_supervisor_here and not conflict
        warnings = grouped_warnings(election)
        token = workflow.review_token(election)
        if approve_form is None:
            approve_form = ApproveForm(initial={"token": token}, warnings=warnings)
        minutes = rules.minutes_to_decide(election)
        # The record in the language the sealed PDF will print it in, English beside (R10).
        language = record_language(election)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Review %(ref)s") % {"ref": election.reference},
            "subtitle": election.parent.full_name,
            "election": election,
            "minutes": None if minutes is None else int(minutes),
            "fast": rules.is_fast_decision(election),
            "record_language": language,
            "english_beside": not language.startswith("en"),
            "checklist": checklist(election, reviewer=request.user),
            "warnings": warnings,
            "can_decide": can_decide,
            "conflict": conflict if election.status == Status.SUBMITTED else None,
            "approve_form": approve_form,
            "has_passkey": can_decide and second_factor.has_passkey(request.user),
            "acknowledged": approve_form.acknowledged(),
            "approve_errors": approve_form.every_error() if approve_form.is_bound else [],
            "return_form": ReturnForm(initial={"token": token}),
            "attestation": workflow.APPROVAL_ATTESTATION,
            "rounds": selectors.election_rounds(election=election),
            "history": selectors.election_history(election=election),
            "refused_attempts": ApprovalAttempt.objects.filter(election=election).select_related(
                "actor"
            ),
            "consult_pending": election.status == Status.APPROVED
            and any(item.decision == Decision.CONSULT for item in election.covered.all()),
            "superseded_by": getattr(election, "superseded_by", None)
            if election.status == Status.SUPERSEDED
            else None,
            "module_name": capfirst(self.opts.verbose_name_plural),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.review_template, context)
