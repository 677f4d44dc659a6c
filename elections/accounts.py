"""Sign-in, sign-out, the language switch and the health check: the only pages reachable without a
session."""

from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import csrf, i18n
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST


@login_not_required
@require_GET
@never_cache
def healthz(request):
    """Answers 200 when the database answers, 503 otherwise; says nothing else about the service."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


# Django's own view, also before signing in (a parent or officer picks Español on the sign-in
# page): it changes the language only on a POST that passes the CSRF check, and goes back only
# to a "next" address on this site.
set_language = login_not_required(i18n.set_language)


@require_POST
def logout_view(request):
    logout(request)
    return redirect("login")


def csrf_failure(request, reason=""):
    """A form posted after the tablet lost its session and its cookies (CSRF_FAILURE_VIEW).

    Without a session this is the same case as an expired one: sign in again and come back to the
    page, where the browser restores what was typed (static/js/flow.js). Nothing is
    saved from the refused post. Signed-in users, and the sign-in page itself, get Django's 403.
    """
    if not request.user.is_authenticated and request.path not in (
        reverse("login"),
        reverse("logout"),
    ):
        return auth_views.redirect_to_login(request.get_full_path())
    return csrf.csrf_failure(request, reason=reason)
