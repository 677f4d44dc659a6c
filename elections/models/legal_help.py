"""Where a parent gets legal help: each field office's free legal service providers, as data.

The parent's notice screen lists the active providers of the election's field office, with their
telephone and the languages they serve, under the heading "How to get legal help". A provider that
stops serving the office is made inactive rather than deleted, so its history stays.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from elections.languages import ALL_LANGUAGE_CODES

from .locking import audit_history
from .records import FieldOffice


def validate_language_codes(value) -> None:
    if not isinstance(value, list) or not all(
        isinstance(code, str) and code in ALL_LANGUAGE_CODES for code in value
    ):
        raise ValidationError(_("List the languages served as language codes, such as es or mam."))


class LegalServiceProviderQuerySet(models.QuerySet):
    def shown_for(self, office):
        """The providers a parent of ``office`` is shown, in the office's order."""
        return self.filter(office=office, is_active=True).order_by("order", "name", "pk")


class LegalServiceProvider(models.Model):
    office = models.ForeignKey(
        FieldOffice,
        on_delete=models.PROTECT,
        related_name="legal_service_providers",
        verbose_name=_("field office"),
    )
    name = models.CharField(_("name"), max_length=200)
    telephone = models.CharField(_("telephone"), max_length=40)
    languages = models.JSONField(
        _("languages served"),
        default=list,
        blank=True,
        validators=[validate_language_codes],
        help_text=_("Language codes, such as es, en, mam, quc."),
    )
    is_active = models.BooleanField(_("shown to parents"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = audit_history()

    objects = LegalServiceProviderQuerySet.as_manager()

    class Meta:
        verbose_name = _("legal service provider")
        verbose_name_plural = _("legal service providers")
        ordering = ["office", "order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "name"], name="legal_service_provider_unique_per_office"
            )
        ]

    def __str__(self) -> str:
        return self.name
