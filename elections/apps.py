from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ElectionsConfig(AppConfig):
    name = "elections"
    verbose_name = _("Elections")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.signals import user_logged_in, user_logged_out
        from django.db.models.signals import post_save
        from simple_history.signals import pre_create_historical_record

        from . import auth, workflow
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
        # Sign-out and deactivation end every session of the user, on every device (auth.py).
        user_logged_in.connect(auth.session_remember, dispatch_uid="formsvc_session_remember")
        user_logged_out.connect(
            auth.sessions_end_on_sign_out, dispatch_uid="formsvc_sessions_end_on_sign_out"
        )
        post_save.connect(
            auth.sessions_end_on_deactivation,
            sender=get_user_model(),
            dispatch_uid="formsvc_sessions_end_on_deactivation",
        )
