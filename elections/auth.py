"""Authentication: the backend that loads the user's staff profile and office with the user, and
the sign-in hooks that end every session of a user together.

Every page needs the profile (role and field office are checked on every object), so it comes
in the same query as the user instead of one more on each request.
"""

from importlib import import_module

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from elections.models import SignedInSession


class StaffModelBackend(ModelBackend):
    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            # get(), not first(): every request runs this, and first() adds an ORDER BY to compile.
            user = user_model._default_manager.select_related("staff__office").get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


# --- Every session of a user ends together ---------------------------------------------------
# Signing out, on any device, and deactivating an account end every session of that user on
# the server, not only the one in the browser at hand: a tablet left signed in on another desk is
# signed out too. Django's session tables cannot be searched by user (the user id is inside the
# encoded data), so each sign-in records its session key (models/sessions.py). Sessions are ended
# through the configured session engine, so a cached engine forgets them as well.


def _session_store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def session_remember(sender, request, user, **kwargs) -> None:
    """user_logged_in: remember the new session (login() has just given it a new key), and forget
    this user's sessions that have expired or were cleared since."""
    key = request.session.session_key
    if not key:
        return
    store = _session_store()
    known = SignedInSession.objects.filter(user=user).values_list("session_key", flat=True)
    gone = [old for old in known if old != key and not store().exists(old)]
    if gone:
        SignedInSession.objects.filter(session_key__in=gone).delete()
    SignedInSession.objects.update_or_create(session_key=key, defaults={"user": user})


def session_key_cycled(request) -> None:
    """A new session id for a session already signed in (the second factor confirmed), still
    known as the user's: sign-out and deactivation end it like the one it replaces."""
    old = request.session.session_key
    request.session.cycle_key()
    new = request.session.session_key
    if old:
        SignedInSession.objects.filter(session_key=old).delete()
    user = getattr(request, "user", None)
    if new and user is not None and user.is_authenticated:
        SignedInSession.objects.update_or_create(session_key=new, defaults={"user": user})


def sessions_end_for(*, user) -> int:
    """Ends every session ``user`` signed in with; returns how many were recorded."""
    keys = list(SignedInSession.objects.filter(user=user).values_list("session_key", flat=True))
    store = _session_store()
    for key in keys:
        store(session_key=key).delete()
    SignedInSession.objects.filter(session_key__in=keys).delete()
    return len(keys)


def sessions_end_on_sign_out(sender, request, user, **kwargs) -> None:
    """user_logged_out: signing out on one device signs the user out everywhere."""
    if user is not None:
        sessions_end_for(user=user)


def sessions_end_on_deactivation(sender, instance, update_fields=None, **kwargs) -> None:
    """post_save of a user: an account made inactive (admin, shell, any save) is signed out."""
    if update_fields is not None and "is_active" not in update_fields:
        return
    if not instance.is_active:
        sessions_end_for(user=instance)
