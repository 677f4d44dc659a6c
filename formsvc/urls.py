from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from elections import accounts

urlpatterns = [
    path("healthz", accounts.healthz, name="healthz"),
    path("accounts/login/", accounts.LoginView.as_view(), name="login"),
    path("accounts/logout/", accounts.logout_view, name="logout"),
    # The second factor of supervisors, auditors and admin users (elections/signin/urls.py).
    path("accounts/second-factor/", include("elections.signin.urls")),
    path("i18n/setlang/", accounts.set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("audit/", include("elections.audit.urls")),
    path("api/v1/", include("elections.api.urls")),
    path("", include("elections.urls")),
]

if settings.FORMSVC_BENCH_TRIVIAL_VIEW:
    # The HTTP benchmark's reference (benchmarks/bench_http.py): never enabled in production.
    from formsvc.bench import trivial

    urlpatterns.insert(0, path("bench/trivial", trivial, name="bench_trivial"))

# JSON under /api/ (an address no view answers, a malformed id); the usual pages elsewhere.
handler404 = "elections.api.errors.not_found"
handler500 = "elections.api.errors.server_error"
