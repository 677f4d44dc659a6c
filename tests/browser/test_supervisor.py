"""The supervisor's side in a real browser: review and approve in the admin; another supervisor
returns an election, and the officer sees the reason, corrects and resubmits (R7)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from elections.constants import Status
from elections.models import ApprovalAttempt, Election
from tests.browser.conftest import assert_accessible
from tests.factories import STAFF_PASSWORD, fresh, make_officer, make_supervisor
from tests.supervision import submitted

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1366, "height": 900}
RETURN_REASON = "Name the document checked for identity: write the passport or card number."


@pytest.fixture
def desk(browser, live_server):
    """``desk()`` opens a desktop page on the live server, as a supervisor works (§2)."""
    contexts = []

    def open_page():
        context = browser.new_context(viewport=DESKTOP, locale="en-US")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def people(transactional_db, office, notices):
    return {
        "officer": make_officer(
            office, username="lbenitez", first_name="Laura", last_name="Benítez"
        ),
        "witness": make_officer(office, username="mreed", first_name="Marcus", last_name="Reed"),
        "supervisor": make_supervisor(
            office, username="dokafor", first_name="Diane", last_name="Okafor"
        ),
        "supervisor2": make_supervisor(
            office, username="truiz", first_name="Tomás", last_name="Ruiz"
        ),
    }


def sign_in(page, base_url, user):
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Username").fill(user.get_username())
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def open_review(page, base_url, election):
    page.goto(base_url + "/admin/elections/election/")
    expect(page.get_by_role("heading", name="Select election to view")).to_be_visible()
    page.get_by_role("link", name=re.compile(re.escape(election.parent.full_name))).click()
    expect(page.get_by_role("heading", name=f"Review {election.reference}")).to_be_visible()


def test_a_supervisor_reviews_and_approves_and_another_returns_one_that_the_officer_corrects(
    desk, live_server, people
):
    base = live_server.url
    officer, witness = people["officer"], people["witness"]
    first = submitted(officer=officer, witness=witness)
    second = submitted(officer=officer, witness=witness)

    # --- Diane reviews the queue and approves the first election --------------------------------
    diane = desk()
    sign_in(diane, base, people["supervisor"])
    diane.goto(base + "/admin/elections/election/")
    rows = diane.locator("#result_list tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text(first.reference)  # the oldest submission first
    expect(rows.first).to_contain_text("Awaiting approval")
    expect(rows.first).to_contain_text("R13: too fast")
    assert_accessible(diane, context="#content-main")

    open_review(diane, base, first)
    checklist = diane.locator("table.checklist")
    expect(checklist.locator("tbody tr")).to_have_count(13)
    expect(checklist.locator('tr[data-rule="R13"]')).to_contain_text("Acknowledge")
    expect(diane.get_by_role("heading", name="The record, as it will be sealed")).to_be_visible()
    expect(diane.locator(".record")).to_contain_text(first.notice_version.sha256)
    assert_accessible(diane, context="#content-main")

    # A wrong password is refused and recorded; nothing changes.
    diane.get_by_label(re.compile("The parent decided 0 minutes")).check()
    diane.get_by_label(re.compile("I have reviewed this record in full")).check()
    diane.get_by_label("Re-enter your password to sign").fill("not-my-password")
    diane.get_by_role("button", name="Approve").click()
    expect(diane.locator(".messagelist")).to_contain_text("That password is not correct.")
    assert fresh(first).status == Status.SUBMITTED
    assert ApprovalAttempt.objects.filter(election=first).count() == 1

    # Again, properly: each warning acknowledged, the attestation confirmed, the password.
    diane.get_by_label(re.compile("The parent decided 0 minutes")).check()
    diane.get_by_label(re.compile("I have reviewed this record in full")).check()
    diane.get_by_label("Re-enter your password to sign").fill(STAFF_PASSWORD)
    diane.get_by_role("button", name="Approve").click()
    expect(diane.locator(".messagelist")).to_contain_text(f"Election {first.reference}")
    expect(diane.locator(".messagelist")).to_contain_text("is approved")
    approved = fresh(first)
    assert approved.status == Status.APPROVED
    assert approved.approved_by == people["supervisor"]

    # Diane opens the second one too, and leaves the page open.
    open_review(diane, base, second)

    # --- Tomás returns the second one with a reason -----------------------------------------
    tomas = desk()
    sign_in(tomas, base, people["supervisor2"])
    open_review(tomas, base, second)
    tomas.get_by_label("Or return it to the officer: what must be corrected").fill(RETURN_REASON)
    tomas.get_by_role("button", name="Return to the officer").click()
    expect(tomas.locator(".messagelist")).to_contain_text("is returned to Laura Benítez")
    assert fresh(second).status == Status.RETURNED

    # Diane's page, opened before Tomás acted, cannot approve it any more.
    diane.get_by_label(re.compile("The parent decided 0 minutes")).check()
    diane.get_by_label(re.compile("I have reviewed this record in full")).check()
    diane.get_by_label("Re-enter your password to sign").fill(STAFF_PASSWORD)
    diane.get_by_role("button", name="Approve").click()
    expect(diane.locator(".messagelist")).to_contain_text(
        "This election was returned to the officer by Tomás Ruiz on "
    )
    expect(diane.locator(".review-note")).to_contain_text(RETURN_REASON)
    assert fresh(second).status == Status.RETURNED

    # --- The officer sees the reason, corrects, resubmits ------------------------------------
    laura = desk()
    sign_in(laura, base, officer)
    expect(laura.get_by_role("heading", name="Your elections")).to_be_visible()
    returned_item = laura.locator(".list-group-item", has_text=second.reference)
    expect(returned_item).to_contain_text("Returned by the supervisor:")
    expect(returned_item).to_contain_text(RETURN_REASON)
    returned_item.get_by_role("link", name="Continue").click()

    laura.goto(base + f"/elections/{second.pk}/parent/")
    laura.get_by_label("Document or record checked").fill(
        "Guatemalan passport 482910337, photo matched"
    )
    laura.get_by_role("button", name="Save and continue").click()
    # The children step has nothing missing, so the officer goes on to the notice.
    expect(laura).to_have_url(re.compile(r"/notice/$"))
    laura.goto(base + f"/elections/{second.pk}/review/")
    laura.get_by_role("button", name="Submit for supervisor approval").click()
    expect(laura.get_by_role("heading", name="Submitted for supervisor approval")).to_be_visible()
    resubmitted = fresh(second)
    assert resubmitted.status == Status.SUBMITTED
    assert resubmitted.identity_document == "Guatemalan passport 482910337, photo matched"

    # --- Back in the queue: every round is in the history -------------------------------------
    open_review(diane, base, second)
    rounds = diane.locator("section[aria-labelledby='rounds-heading'] tbody tr")
    expect(rounds).to_have_count(4)
    expect(rounds.nth(2)).to_contain_text("Returned for correction")
    expect(rounds.nth(2)).to_contain_text(RETURN_REASON)
    expect(rounds.nth(3)).to_contain_text("resubmitted after correction")
    expect(diane.locator("table.review-history")).to_contain_text(
        "Guatemalan passport 482910337, photo matched"
    )
    assert Election.objects.get(pk=second.pk).history.filter(status=Status.RETURNED).exists()
