"""Two gunicorn app servers on one PostgreSQL database and one storage behave as one: a session
made on one works on the other, fifty supervisors' sessions pressing "Approve" on one election
across both make one approval and one sealed PDF with no server error, and the task worker, a
process of its own, builds the auditor's export of it.

Supervisors and auditors sign in as they do for real: the password, then a code from their
authenticator app at the second-factor step, and each approval is confirmed by a fresh code.
A TOTP code works once per device and 30-second step, so every approving session is a
supervisor of its own (own app), signing in with the code of this step and approving with the
next step's (within the one step of tolerance, and always later than the sign-in's)."""

import hashlib
import io
import threading
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from elections.constants import Status
from elections.models import Election, SealedRecord
from tests import appservers
from tests.appservers import Browser, hidden_value
from tests.audit_helpers import make_audit_user
from tests.factories import STAFF_PASSWORD, fresh, make_supervisor
from tests.supervision import submitted, warning_codes
from tests.twofactor import totp_code, totp_device

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

APPROVERS = 50


@pytest.fixture(autouse=True)
def _shared_storage(deployment, settings):
    # This test reads the stored files where the servers write them.
    settings.MEDIA_ROOT = deployment["var_dir"] / "media"


def test_a_session_made_on_one_server_works_on_the_other_and_ends_on_both(deployment, officer):
    a, b = deployment["a"], deployment["b"]
    browser = Browser(a)
    browser.sign_in(officer.username, STAFF_PASSWORD)

    home = browser.on(b).get("/")
    assert home.status_code == 200
    assert "Laura Benítez" in home.text

    signed_out = browser.post("/accounts/logout/", {}, csrf_from="/")  # on b
    assert signed_out.status_code == 302
    after = browser.on(a).get("/")
    assert after.status_code == 302
    assert after.headers["Location"].startswith("/accounts/login/")


def test_fifty_approvals_of_one_election_across_both_servers_make_one_approval_and_one_pdf(
    deployment, office, officer, witness, notices
):
    a, b = deployment["a"], deployment["b"]
    servers = [a, b]
    election = submitted(officer=officer, witness=witness)
    supervisors = [
        make_supervisor(office, username=f"supervisor{n}", first_name="Sup", last_name=str(n))
        for n in range(APPROVERS)
    ]
    for supervisor in supervisors:
        totp_device(supervisor)
    change = reverse("admin:elections_election_change", args=[election.pk])
    approve = reverse("admin:elections_election_approve", args=[election.pk])
    acknowledge = warning_codes(election)

    # Fifty sessions, each signed in on one server and reviewing the election on the other.
    browsers: list[Browser] = []
    tokens: list[tuple[str, str]] = []

    def open_review(n: int) -> None:
        browser = Browser(servers[n % 2])
        browser.sign_in(supervisors[n].username, STAFF_PASSWORD, code=totp_code())
        page = browser.on(servers[(n + 1) % 2]).get(change)
        assert page.status_code == 200, page.text[:500]
        browsers[n] = browser
        tokens[n] = (appservers.csrf_token(page.text), hidden_value(page.text, "token"))

    browsers = [None] * APPROVERS
    tokens = [None] * APPROVERS
    _in_threads([lambda n=n: open_review(n) for n in range(APPROVERS)], parallel=8)
    assert all(browsers) and all(tokens)

    barrier = threading.Barrier(APPROVERS)
    responses = [None] * APPROVERS

    def press_approve(n: int) -> None:
        csrf, token = tokens[n]
        barrier.wait(timeout=60)
        responses[n] = browsers[n].post_with(
            approve,
            {
                "password": STAFF_PASSWORD,
                "second_factor_code": totp_code(steps_ahead=1),
                "attestation": "on",
                "acknowledge": acknowledge,
                "token": token,
            },
            token=csrf,
        )

    _in_threads([lambda n=n: press_approve(n) for n in range(APPROVERS)], parallel=APPROVERS)

    statuses = [response.status_code for response in responses]
    assert all(status < 500 for status in statuses), statuses
    assert {browser.server.name for browser in browsers} == {"server-a", "server-b"}
    queue = reverse("admin:elections_election_changelist")
    approved_responses = [r for r in responses if r.headers.get("Location") == queue]
    assert len(approved_responses) == 1, statuses
    assert all(r.status_code == 302 and r.headers["Location"] == change for r in responses
               if r is not approved_responses[0])  # fmt: skip

    election = fresh(election)
    assert election.status == Status.APPROVED
    assert election.history.filter(history_change_reason="approved").count() == 1
    record = SealedRecord.objects.get(election=election)
    _folders, files = default_storage.listdir(f"records/{election.pk}")
    assert len(files) == 1, files
    with default_storage.open(record.pdf.name) as stored:
        pdf = stored.read()
    assert hashlib.sha256(pdf).hexdigest() == record.pdf_sha256

    # The loser is told who approved: its next page on either server shows the message.
    told = browsers[0].get(change)
    assert told.status_code == 200
    if responses[0] is not approved_responses[0]:
        assert "already approved by Sup " in told.text

    _export_through_the_worker(deployment, election, pdf)


def _export_through_the_worker(deployment, election: Election, pdf: bytes) -> None:
    """The auditor asks one server for an export; the worker process builds it; the other
    server hands it over, with the sealed PDF inside, byte for byte."""
    auditor = make_audit_user()
    totp_device(auditor)
    browser = Browser(deployment["a"])
    browser.sign_in(auditor.username, STAFF_PASSWORD, code=totp_code())
    asked = browser.post(reverse("audit:export_zip"), {"query": ""}, csrf_from="/audit/")
    assert asked.status_code == 302, asked.text[:500]
    job_page = asked.headers["Location"]
    job_id = job_page.rstrip("/").rsplit("/", 1)[-1]

    browser.on(deployment["b"])
    status_url = reverse("audit:export_status", args=[job_id])

    def ready():
        status = browser.get(status_url).json()
        assert status["state"] not in ("failed", "expired"), status
        return status if status["download_url"] else None

    status = appservers.wait_for(ready, timeout=90, what="the worker to build the export")
    download = browser.get(status["download_url"])
    assert download.status_code == 200
    with zipfile.ZipFile(io.BytesIO(download.content)) as archive:
        inside = [archive.read(name) for name in archive.namelist() if name.endswith(".pdf")]
    assert inside == [pdf]
    assert "export_records_zip" in deployment["worker"].output() or status["state"] == "ready"


def _in_threads(actions, *, parallel: int) -> None:
    """Run every action, ``parallel`` at a time; an action's failure fails the test."""
    failures = []
    pending = list(actions)
    lock = threading.Lock()

    def run():
        while True:
            with lock:
                if not pending:
                    return
                action = pending.pop()
            try:
                action()
            except BaseException as error:  # noqa: BLE001 - reported below
                failures.append(error)

    threads = [threading.Thread(target=run) for _ in range(parallel)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    if failures:
        raise failures[0]
