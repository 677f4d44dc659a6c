"""The load benchmarks/bench_http.py puts on gunicorn: `locust --headless -f benchmarks/locust_http.py`.

Every simulated user is one tablet or one supervisor's laptop: it signs in through the sign-in form
(the CSRF cookie and token from the page, the account's password) and, for an account that needs a
second factor (supervisors), through the second-factor step with one of the account's one-time
recovery codes; then it requests its pages one after the other, pausing BENCH_THINK_SECONDS
between them ("0" for none: the number of users is then the number of requests in flight).

Driven by the environment (bench_http sets it):

    BENCH_ACCOUNTS   JSON list of usernames, one per user (the first N users take the first N)
    BENCH_PASSWORD   their password
    BENCH_CODES      JSON object: username -> unused recovery codes (accounts with a second factor);
                     each user signing in as that account takes one
    BENCH_THINK_SECONDS  "low,high": each user pauses a random time between them after each page
    BENCH_PHASES     JSON list of [name, path]: each phase, every user requests that path for
                     BENCH_PHASE_SECONDS and until BENCH_MIN_REQUESTS answers came back, at most
                     BENCH_PHASE_MAX_SECONDS; statistics start again at each phase
    BENCH_RESULTS    where to write the figures of each phase as JSON when the run ends
    BENCH_MAX_REQUESTS  requests a user makes at most (a bound on the run besides its time)

Measuring starts only when every user has signed in, so the sign-ins (a deliberately slow
password hash each) are not in any figure. A response other than 200, or a page that sent a signed-
in user to the sign-in page, is a failure, counted in ``errors``.
"""

import itertools
import json
import os
import re
import time
from http.cookiejar import DefaultCookiePolicy

import gevent
from gevent.event import Event
from locust import FastHttpUser, between, constant, events, task
from locust.exception import StopUser

ACCOUNTS = json.loads(os.environ.get("BENCH_ACCOUNTS", "[]"))
PASSWORD = os.environ.get("BENCH_PASSWORD", "")
CODES = json.loads(os.environ.get("BENCH_CODES", "{}"))
THINK = [float(part) for part in os.environ.get("BENCH_THINK_SECONDS", "0").split(",")]
PHASES = [tuple(p) for p in json.loads(os.environ.get("BENCH_PHASES", "[]"))]
PHASE_SECONDS = float(os.environ.get("BENCH_PHASE_SECONDS", "10"))
PHASE_MAX_SECONDS = float(os.environ.get("BENCH_PHASE_MAX_SECONDS", "60"))
MIN_REQUESTS = int(os.environ.get("BENCH_MIN_REQUESTS", "200"))
RESULTS = os.environ.get("BENCH_RESULTS", "")
MAX_REQUESTS = int(os.environ.get("BENCH_MAX_REQUESTS", "20000"))
SIGN_IN_SECONDS = 300
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

_next_account = itertools.count()
_signed_in = 0
_sign_in_failures = 0
_measuring = Event()
_state = {"phase": None}
_figures: dict[str, dict] = {}
_failures: list[str] = []


def _controller(environment, users: int) -> None:
    """Wait for every user to sign in, then run each phase in turn and stop the run."""
    deadline = time.monotonic() + SIGN_IN_SECONDS
    while _signed_in + _sign_in_failures < users and time.monotonic() < deadline:
        gevent.sleep(0.05)
    stats = environment.runner.stats
    for name, path in PHASES:
        _state["phase"] = (name, path)
        stats.reset_all()
        started = time.time()
        _measuring.set()
        entry = stats.get(name, "GET")
        # At least PHASE_SECONDS and MIN_REQUESTS answers, at most PHASE_MAX_SECONDS.
        while True:
            gevent.sleep(0.1)
            elapsed = time.time() - started
            if elapsed >= PHASE_MAX_SECONDS:
                break
            if elapsed >= PHASE_SECONDS and entry.num_requests >= MIN_REQUESTS:
                break
        _figures[name] = {
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            "p50_ms": entry.get_response_time_percentile(0.50) or 0,
            "p95_ms": entry.get_response_time_percentile(0.95) or 0,
            "rps": entry.num_requests / elapsed if elapsed else 0,
            "bytes_avg": entry.avg_content_length,
            "errors": sorted(
                f"{e.occurrences}x {e.error}" for e in stats.errors.values() if e.name == name
            )[:10],
        }
    _figures["_sign_in"] = {
        "signed_in": _signed_in,
        "failures": _sign_in_failures,
        "reasons": sorted(set(_failures))[:10],
    }
    environment.runner.quit()


@events.test_start.add_listener
def _start(environment, **kwargs):
    users = environment.parsed_options.num_users if environment.parsed_options else 1
    gevent.spawn(_controller, environment, users)


@events.quitting.add_listener
def _write(environment, **kwargs):
    if RESULTS:
        with open(RESULTS, "w", encoding="utf-8") as out:
            json.dump(_figures, out)


class BehindTLSProxy(DefaultCookiePolicy):
    """The session cookie is Secure (production settings); the benchmark talks plain HTTP to
    gunicorn on loopback as the TLS proxy in front of it would, so it sends the cookie anyway."""

    def return_ok_secure(self, cookie, request):
        return True


class Staff(FastHttpUser):
    wait_time = between(THINK[0], THINK[-1]) if THINK[-1] > 0 else constant(0)
    # 50 sign-ins at once queue behind 4 workers, each hashing a password: be patient with them.
    connection_timeout = 300.0
    network_timeout = 300.0
    # Tablets and laptops accept compressed pages.
    default_headers = {"Accept-Encoding": "gzip"}

    def on_start(self):
        global _signed_in, _sign_in_failures
        self.made = 0
        self.client.cookiejar.set_policy(BehindTLSProxy())
        username = ACCOUNTS[next(_next_account) % len(ACCOUNTS)]
        try:
            failure = self._sign_in(username)
        except Exception as error:  # noqa: BLE001 - any failure to sign in is counted, not fatal
            failure = f"sign-in as {username}: {error!r}"
        if failure is None:
            _signed_in += 1
        else:
            _sign_in_failures += 1
            _failures.append(failure)
        _measuring.wait()
        if failure is not None:
            raise StopUser

    def _sign_in(self, username: str) -> str | None:
        page = self.client.get("/accounts/login/", name="sign-in page")
        found = TOKEN.search(page.text or "")
        if not found:
            return f"sign-in page for {username}: {page.status_code}, no CSRF token"
        with self.client.post(
            "/accounts/login/",
            data={
                "csrfmiddlewaretoken": found.group(1),
                "username": username,
                "password": PASSWORD,
            },
            name="sign in",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            location = response.headers.get("Location", "") if response.headers else ""
            if response.status_code != 302 or "/accounts/login" in location:
                response.failure(f"{response.status_code}")
                return f"sign-in as {username}: {response.status_code} {location}"
        # Where the sign-in leads: the page, or (an account with a second factor) the step.
        with self.client.get(
            location, name="after sign-in", allow_redirects=False, catch_response=True
        ) as landing:
            step = landing.headers.get("Location", "") if landing.headers else ""
            if landing.status_code == 200:
                return None
            if landing.status_code != 302 or "/accounts/second-factor/" not in step:
                landing.failure(f"{landing.status_code}")
                return f"after sign-in as {username}: {landing.status_code} {step}"
        return self._second_factor(username, step)

    def _second_factor(self, username: str, location: str) -> str | None:
        """The second-factor step, with one of the account's unused recovery codes."""
        codes = CODES.get(username) or []
        if not codes:
            return f"second factor for {username}: no recovery code left"
        page = self.client.get(location, name="second-factor page")
        found = TOKEN.search(page.text or "")
        if not found:
            return f"second-factor page for {username}: {page.status_code}, no CSRF token"
        with self.client.post(
            location,
            data={"csrfmiddlewaretoken": found.group(1), "code": codes.pop()},
            name="second factor",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            after = response.headers.get("Location", "") if response.headers else ""
            if response.status_code == 302 and "/accounts/" not in after:
                return None
            response.failure(f"{response.status_code}")
            return f"second factor for {username}: {response.status_code} {after}"

    @task
    def page(self):
        if self.made >= MAX_REQUESTS:
            raise StopUser
        self.made += 1
        name, path = _state["phase"]
        with self.client.get(
            path, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{path}: {response.status_code}")
