"""Accounts on the admin site: the sign-in attempts, failures and lockouts django-axes records, and
the user accounts themselves (deactivate, set a password). Superusers only.

Supervisors share this admin site for their queue, but these pages list every account of every
field office with the addresses and devices it signed in from: that is the account
administrators' business (the superusers, who already manage API tokens here), not a
supervisor's, whose reach is their own office's elections. The attempt lists are read-only
evidence: nobody edits or deletes them here (a lockout ends by itself after AXES_COOLOFF_MINUTES,
or at once with `manage.py axes_reset_username NAME`). Accounts are deactivated, never deleted:
records name the staff who made them.
"""

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.conf import settings as axes_settings
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


class SuperusersOnly:
    """Visible to active superusers only, whatever permissions a staff account was given."""

    def _superuser(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request):
        return self._superuser(request)

    def has_view_permission(self, request, obj=None):
        return self._superuser(request)


class ReadOnly(SuperusersOnly):
    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccessAttempt)
class SignInAttemptAdmin(ReadOnly, AccessAttemptAdmin):
    """Failed sign-ins counted against a username and address: the lockouts in force."""

    @admin.display(description=_("Status"))
    def status(self, obj):
        remaining = axes_settings.AXES_FAILURE_LIMIT - obj.failures_since_start
        if remaining > 0:
            return ngettext(
                "%(count)d attempt remaining", "%(count)d attempts remaining", remaining
            ) % {"count": remaining}
        return _("Locked out")


@admin.register(AccessFailureLog)
class SignInFailureAdmin(ReadOnly, AccessFailureLogAdmin):
    """Every failed sign-in, and whether it locked the account out."""


@admin.register(AccessLog)
class SignInLogAdmin(ReadOnly, AccessLogAdmin):
    """Every successful sign-in and its sign-out."""


class AccountAdmin(SuperusersOnly, UserAdmin):
    """Accounts: a superuser deactivates one (which signs it out everywhere) or sets its password
    (checked against AUTH_PASSWORD_VALIDATORS). Staff accounts and their role are made with
    `manage.py` commands and the demo seeder, not here."""

    list_display = ("username", "first_name", "last_name", "is_active", "is_staff", "last_login")
    list_filter = ("is_active", "is_staff", "is_superuser")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return self._superuser(request)

    def has_delete_permission(self, request, obj=None):
        return False


# django.contrib.auth registered its own UserAdmin; this one replaces it.
User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, AccountAdmin)
