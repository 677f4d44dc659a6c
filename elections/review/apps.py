from django.contrib.admin.apps import AdminConfig


class FormsvcAdminConfig(AdminConfig):
    """The Django admin, as the supervisors' approval queue (elections/review/admin.py)."""

    default_site = "elections.review.site.SupervisorAdminSite"

    def ready(self):
        super().ready()
        # Autodiscovery looks for `elections.admin`; the review desk keeps its admin here.
        from . import admin  # noqa: F401
