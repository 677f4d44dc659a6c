"""The legal service providers of each field office, kept by superusers in the admin.

The parent's notice screen lists them (officer/parent_notice.html); supervisors share this admin
site for their queue and do not see them.
"""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from elections.languages import language_choices, language_name
from elections.models import LegalServiceProvider


class LegalServiceProviderForm(forms.ModelForm):
    languages = forms.MultipleChoiceField(
        label=_("languages served"),
        choices=language_choices,
        widget=forms.SelectMultiple(attrs={"size": 12}),
    )

    class Meta:
        model = LegalServiceProvider
        fields = ("office", "name", "telephone", "languages", "is_active", "order")


@admin.register(LegalServiceProvider)
class LegalServiceProviderAdmin(SimpleHistoryAdmin):
    form = LegalServiceProviderForm
    list_display = ("name", "office", "telephone", "languages_column", "is_active", "order")
    list_filter = ("office", "is_active")
    list_editable = ("is_active", "order")
    search_fields = ("name", "telephone")
    list_select_related = ("office",)

    @admin.display(description=_("languages served"))
    def languages_column(self, provider):
        return ", ".join(language_name(code) for code in provider.languages)

    def _is_admin(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request):
        return self._is_admin(request)

    def has_view_permission(self, request, obj=None):
        return self._is_admin(request)

    def has_add_permission(self, request):
        return self._is_admin(request)

    def has_change_permission(self, request, obj=None):
        return self._is_admin(request)

    def has_delete_permission(self, request, obj=None):
        return False  # made inactive instead: its history says what parents were shown
