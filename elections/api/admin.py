"""The API tokens in the admin: listed with their service account, scopes, office and last use,
revocable, never shown (only the first characters are kept in the clear; the SHA-256 is not
shown either). Only superusers see them: supervisors share this admin site for their queue and
must not manage what other systems may read."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from elections.models import ApiToken

from .tokens import tokens_revoke


class RevokedFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("active", _("In use")), ("revoked", _("Revoked"))]

    def queryset(self, request, queryset):
        if self.value() == "active":
            return queryset.filter(revoked_at__isnull=True)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = (
        "prefix_column",
        "user",
        "name",
        "scopes_column",
        "office",
        "created_at",
        "last_used_at",
        "revoked_at",
    )
    list_filter = (RevokedFilter, "office")
    search_fields = ("user__username", "name", "key_prefix")
    fields = (
        "key_prefix",
        "user",
        "name",
        "scopes",
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
