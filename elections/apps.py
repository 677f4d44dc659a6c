from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ElectionsConfig(AppConfig):
    name = "elections"
    verbose_name = _("Elections")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from simple_history.signals import pre_create_historical_record

        from . import workflow
        from .api import admin as api_admin  # noqa: F401  (the token list on the admin site)
        from .attribution import record_performer
        from .middleware import session_refreshed_at_sign_in
        from .officer import admin as officer_admin  # noqa: F401  (legal service providers)
        from .records import sealing

        # Every historical model of the project has the performer fields (models/history.py).
        pre_create_historical_record.connect(record_performer, dispatch_uid="formsvc_performer")
        # A session saved at sign-in starts its 15 idle minutes then (IdleExpiryMiddleware).
        user_logged_in.connect(session_refreshed_at_sign_in, dispatch_uid="formsvc_session")
        # Approval seals inside its own transaction, though the core never imports records
        # (workflow.py). Looked up at each call, so a test may replace sealing.election_seal.
        workflow.approval_sealer_set(lambda *, election: sealing.election_seal(election=election))
