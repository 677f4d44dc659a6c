from axes.apps import AppConfig as AxesAppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class FormsvcAdminConfig(AdminConfig):
    """The Django admin, as the supervisors' approval queue (elections/review/admin.py)."""

    default_site = "elections.review.site.SupervisorAdminSite"

    def ready(self):
        super().ready()
        # Autodiscovery looks for `elections.admin`; the review desk keeps its admin here.
        from . import accounts, admin  # noqa: F401


class SignInAttemptsConfig(AxesAppConfig):
    """django-axes, under a translated name in the admin (its own admin is replaced by
    elections/review/accounts.py: AXES_ENABLE_ADMIN is off)."""

    verbose_name = _("Sign-in attempts")
