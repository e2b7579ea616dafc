"""The browsable docs work in a real Chromium under our strict content security policy
(no inline script, nothing from other origins): Swagger UI comes from our static files."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_the_api_docs_render_every_operation_without_a_csp_violation(live_server, chromium):
    context = chromium.new_context(locale="nl-NL")
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if message.type == "error" or "Content Security Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    outside: list[str] = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if not request.url.startswith((live_server.url, "data:"))
            else None
        ),
    )

    response = page.goto(f"{live_server.url}/api/v1/docs")

    assert response is not None
    assert response.status == 200
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    page.wait_for_selector(".opblock-summary", timeout=15000)
    operations = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/me/loans/{loan_id}/renew" in [text.replace("\u200b", "") for text in operations]
    assert len(operations) >= 15
    assert page.locator(".btn.authorize").count() == 1, "no way to enter a token"
    assert problems == []
    assert outside == []
    context.close()
