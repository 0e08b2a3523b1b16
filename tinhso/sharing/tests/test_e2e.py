"""End to end in a real browser: a consumer requests access, the provider approves, the consumer takes a
key, a call goes through the gateway and appears in the counts."""

import urllib.request

import pytest

from tinhso.conftest import login


@pytest.mark.e2e
def test_request_approve_call_and_count(browser_page, live_server, service, consumer_focal, provider_focal):
    page = browser_page
    login(page, consumer_focal.username)
    page.goto("/sharing/?q=ho tich")
    page.click("text=ho-tich")
    page.fill("input[name=consumer_system]", "Phần mềm cấp giấy chứng sinh")
    page.fill("textarea[name=purpose]", "Xác minh thông tin khai sinh của trẻ khi cấp giấy chứng sinh")
    page.click("#request-access button.primary")
    page.wait_for_selector("#status")
    assert "Chờ duyệt" in page.inner_text("#status")
    access_url = page.url

    page.context.clear_cookies()
    login(page, provider_focal.username)
    page.goto("/sharing/")
    page.click("#pending a")
    page.click("#decide button[value=approve]")
    page.wait_for_selector(".messages li")
    assert "Đã duyệt" in page.inner_text("#status")

    page.context.clear_cookies()
    login(page, consumer_focal.username)
    page.goto(access_url)
    page.click("#issue-key")
    key = page.inner_text("#raw-key").strip()
    assert key.startswith("tsg_")
    page.screenshot(path="/tmp/sharing-e2e-key.png", full_page=True)

    request = urllib.request.Request(f"{live_server.url}/sharing/gw/ho-tich/records/42", headers={"X-Api-Key": key})
    with urllib.request.urlopen(request, timeout=15) as response:
        assert response.status == 200 and b"/api/records/42" in response.read()

    page.goto("/sharing/traffic/")
    assert page.inner_text("#total-calls") == "1"
    assert "ho-tich" in page.inner_text("#by-client")
    page.screenshot(path="/tmp/sharing-e2e-traffic.png", full_page=True)
