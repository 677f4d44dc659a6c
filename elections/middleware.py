"""Request-wide rules: a form post too large to read gets its page back with a translated message,
not a bare 400; no answer of the service is stored by a browser or a proxy; a session in use stays
alive without a write on every request."""

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _

DEFAULT_TOO_LARGE = _("What was sent is too large. Nothing was saved; please try again.")


def too_large_message(message):
    """The message a view's page shows when a post to it is over the request-body limit."""

    def decorate(view):
        view.too_large_message = message
        return view

    return decorate


class OversizedPostMiddleware:
    """Answer a form post over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` with the page it was sent from.

    Django refuses such a body with a bare 400 as soon as anything reads ``request.POST`` (the
    CSRF check does), so this sits before ``CsrfViewMiddleware``. The body is never read: the
    request goes on as a GET, the view renders its page, base.html shows
    ``request.too_large_message`` (translated when the page renders: in the parent's language on
    the parent's screens), and the status is 413. Nothing is saved; the browser restores what the
    officer typed (static/js/flow.js). Multipart posts are left to Django, which counts
    their files apart (the record verification upload).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self._too_large(request):
            return self.get_response(request)
        request.method = "GET"
        request.too_large_message = DEFAULT_TOO_LARGE
        response = self.get_response(request)
        if response.status_code == 200:
            response.status_code = 413
        elif response.status_code == 405:
            # A post-only action has no page of its own: the message on the bare layout.
            response = render(request, "base.html", status=413)
        return response  # a redirect (signed out, record locked) goes where it leads

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(request, "too_large_message", None) is not None:
            request.too_large_message = getattr(view_func, "too_large_message", DEFAULT_TOO_LARGE)

    @staticmethod
    def _too_large(request) -> bool:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if request.method != "POST" or limit is None:
            return False
        if request.content_type == "multipart/form-data":
            return False
        try:
            return int(request.META.get("CONTENT_LENGTH") or 0) > limit
        except ValueError:
            return False


class NoStoreMiddleware:
    """``Cache-Control: private, no-store`` on every answer that passes through Django.

    Every page but the sign-in page shows personal data (records, PDFs, CSV and ZIP exports,
    the queue, searches, the API's JSON): none of it may stay in a shared tablet's browser cache,
    its back button's saved pages, or a proxy. One rule for all, so a new view cannot forget it.
    Static files are answered by WhiteNoise before this middleware and keep their long caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        patch_cache_control(response, private=True, no_store=True)
        return response


class IdleExpiryMiddleware:
    """Keep a session in use alive without writing its row on every request.

    A session ends ``SESSION_COOKIE_AGE`` (15 minutes) after its expiry was last moved on. Instead
    of saving the session on every request (``SESSION_SAVE_EVERY_REQUEST``: one UPDATE per page),
    a request that used its session marks it changed when its last refresh is older than
    ``SESSION_REFRESH_SECONDS``, so ``SessionMiddleware`` (just above) saves it with a new expiry.
    A session therefore ends at most 15 minutes after the last request, and at least that less one
    refresh interval: idle for 15 minutes is always signed out. A request that never read its
    session (``/healthz``, static files) neither refreshes nor loads it; a session that was emptied
    (sign-out) is not brought back.
    """

    KEY = "_formsvc_refreshed"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or not session.accessed or session.is_empty():
            return response
        now = int(timezone.now().timestamp())
        last = session.get(self.KEY)
        if not isinstance(last, int) or now - last >= settings.SESSION_REFRESH_SECONDS:
            session[self.KEY] = now
        return response


def session_refreshed_at_sign_in(sender, request, user, **kwargs):
    """``user_logged_in``: signing in saves the session with a fresh expiry, so the first page
    after it has nothing to refresh."""
    if request is not None and hasattr(request, "session"):
        request.session[IdleExpiryMiddleware.KEY] = int(timezone.now().timestamp())
