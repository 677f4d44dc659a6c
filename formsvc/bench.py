"""The trivial view the HTTP benchmark measures the real pages against (benchmarks/bench_http.py).

Served by the same server and middleware as every page, it reads no session and runs no query:
what it costs is the fixed cost of a request. Its URL exists only when FORMSVC_BENCH_TRIVIAL_VIEW
is on, which the benchmark sets for its own throwaway server.
"""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.views.decorators.http import require_GET


@login_not_required
@require_GET
def trivial(request):
    return HttpResponse("ok", content_type="text/plain")
