from django.contrib.admin.apps import AdminConfig


class FormsvcAdminConfig(AdminConfig):
    """The Django admin, as the supervisors' approval queue (elections/admin.py)."""

    default_site = "elections.admin_site.SupervisorAdminSite"
