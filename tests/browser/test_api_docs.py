"""The API's documentation page renders in a browser under the site's CSP: Swagger UI from our
own static files, its settings from a script of their own, no inline script, no CDN."""

import os

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("FORMSVC_SCREENSHOTS")


@pytest.mark.parametrize("viewport", [(1440, 900), (820, 1180)])
def test_the_api_docs_render_every_endpoint_without_a_csp_violation(browser, live_server, viewport):
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    page = context.new_page()
    problems, requests = [], []
    page.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("request", lambda request: requests.append(request.url))
    try:
        response = page.goto(f"{live_server.url}/api/v1/docs/")
        assert response.status == 200
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_selector(".swagger-ui .info .title")
        assert "formsvc API" in page.inner_text(".swagger-ui .info .title")
        page.wait_for_selector(".opblock")
        text = page.inner_text(".swagger-ui")
        for path in (
            "/api/v1/elections/",
            "/api/v1/elections/{id}/record.pdf",
            "/api/v1/parents/{a_number}/clearance",
            "/api/v1/family-units/",
            "/api/v1/removals/",
            "/api/v1/reports/removed-undocumented",
        ):
            assert path in text, path
        # The bearer scheme is offered, so a reader can try a request with their token.
        assert page.locator("button.authorize").count() == 1
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/api-docs-{viewport[0]}x{viewport[1]}.png")
    finally:
        context.close()
    assert problems == []
    assert all(url.startswith(live_server.url) for url in requests), requests
