"""The admin site is the supervisors' desk (DESIGN.md §2, §5): only supervisors get in, and
superusers, who may look but never approve. Officers and auditors are refused even if someone
marks their account as staff."""

from django.contrib import admin
from django.shortcuts import redirect
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from elections.constants import Role
from elections.selectors import staff_profile_for


class SupervisorAdminSite(admin.AdminSite):
    site_header = _("formsvc supervisor review")
    site_title = _("formsvc supervisor review")
    index_title = _("Approval queue")
    # The supervisor has one list, the queue: a sidebar listing it would only narrow the page.
    enable_nav_sidebar = False

    def has_permission(self, request) -> bool:
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        if user.is_superuser:
            return True
        profile = staff_profile_for(user=user)
        return profile is not None and profile.role == Role.SUPERVISOR

    def get_app_list(self, request, app_label=None):
        """Built when a page shows it (the index), not on every page: Django puts it in every
        admin page's context for the navigation sidebar, which is off here, and building it asks
        each registered model's admin for the user's permissions (two queries for a supervisor)."""
        build = super().get_app_list
        return SimpleLazyObject(lambda: build(request, app_label))

    def index(self, request, extra_context=None):
        """A supervisor's desk opens on the queue; a superuser keeps the index (API tokens, ...)."""
        if not request.user.is_superuser:
            return redirect("admin:elections_election_changelist")
        return super().index(request, extra_context)
