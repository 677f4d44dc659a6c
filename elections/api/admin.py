"""The API tokens in the admin: listed with their service account, scopes, office and last use,
revocable, never shown (only the first characters are kept in the clear; the SHA-256 is not
shown either). Only superusers see them: supervisors share this admin site for their queue and
must not manage what other systems may read."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from elections.models import ApiToken

from .tokens import tokens_revoke


def _short(moment) -> str:
    """A time in the list as 2026-03-01 14:30 (UTC), short enough for the columns to fit."""
    if moment is None:
        return "-"
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = (
        "prefix_column",
        "user",
        "scopes_column",
        "office_column",
        "created_column",
        "last_used_column",
        "revoked_column",
    )
    # No filter panel: the columns need the width (the search finds an account or a prefix).
    search_fields = ("user__username", "name", "key_prefix")
    fields = (
        "key_prefix",
        "user",
        "name",
        "scopes_column",
        "office",
        "created_at",
        "last_used_at",
        "revoked_at",
    )
    readonly_fields = fields
    actions = ["revoke_selected"]
    list_select_related = ("user", "office")

    @admin.display(description=_("starts with"), ordering="key_prefix")
    def prefix_column(self, token):
        return f"{token.key_prefix}…"

    @admin.display(description=_("field office"), ordering="office__code")
    def office_column(self, token):
        return token.office.code if token.office_id else "-"

    @admin.display(description=_("created"), ordering="created_at")
    def created_column(self, token):
        return _short(token.created_at)

    @admin.display(description=_("last used"), ordering="last_used_at")
    def last_used_column(self, token):
        return _short(token.last_used_at)

    @admin.display(description=_("revoked"), ordering="revoked_at")
    def revoked_column(self, token):
        return _short(token.revoked_at)

    @admin.display(description=_("scopes"))
    def scopes_column(self, token):
        return ", ".join(token.scopes or [])

    @admin.action(description=_("Revoke the selected tokens"), permissions=["revoke"])
    def revoke_selected(self, request, queryset):
        count = tokens_revoke(queryset)
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    # --- who may do what: superusers only -------------------------------------------------------

    @staticmethod
    def _is_admin(request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request):
        return self._is_admin(request)

    def has_view_permission(self, request, obj=None):
        return self._is_admin(request)

    def has_revoke_permission(self, request):
        return self._is_admin(request)

    def has_add_permission(self, request):
        return False  # issued by `manage.py create_api_token`, which shows the token once

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # a revoked token stays listed: the access log points to it
