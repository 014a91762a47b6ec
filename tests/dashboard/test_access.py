"""Who gets in, over real HTTP: no session is refused, a link opens one subtree only, the proxy header maps
an email to the person's organisation, and exports follow the same rules."""

from __future__ import annotations

from datetime import timedelta

import httpx

from tests.dashboard.live import LiveDashboard, start_dashboard


def test_no_session_is_refused_with_a_clear_page(live: LiveDashboard) -> None:
    for path in ("/dashboard", "/dashboard/org/cvuhb", "/dashboard/org/cvuhb/export/escalation.csv"):
        response = httpx.get(live.url + path)
        assert response.status_code == 401 and "Sign-in needed" in response.text
    forged = httpx.get(live.url + "/dashboard/org/cvuhb", cookies={"milestones_dashboard": "wales|9999999999|00"})
    assert forged.status_code == 401


def test_a_board_link_shows_that_board_and_nothing_else(live: LiveDashboard) -> None:
    with httpx.Client(base_url=live.url) as browser:
        entered = browser.get(live.link("cvuhb"), follow_redirects=True)
        assert entered.status_code == 200 and "Cardiff and Vale" in entered.text
        assert browser.get("/dashboard/org/cardiff-north").status_code == 200
        for path in (
            "/dashboard/org/bcuhb",
            "/dashboard/org/wales",
            "/dashboard/org/bcuhb/service/dental",
            "/dashboard/org/bcuhb/export/escalation.csv",
            "/dashboard/org/bcuhb/export/actions.xlsx",
        ):
            refused = browser.get(path)
            assert refused.status_code == 403 and "Not yours to see" in refused.text, path
        assert browser.get("/dashboard/org/nowhere").status_code == 404


def test_tampered_or_expired_links_are_refused(live: LiveDashboard) -> None:
    link = live.link("cvuhb", days=1)
    assert httpx.get(link.replace("org=cvuhb", "org=wales")).status_code == 403
    live.clock.advance(timedelta(days=2))
    expired = httpx.get(link)
    assert expired.status_code == 403 and "expired" in expired.text


def test_proxy_header_maps_the_email_to_the_persons_organisation(live: LiveDashboard) -> None:
    proxied = start_dashboard(live.database, live.clock, dashboard_trust_proxy_header="X-Forwarded-Email")
    try:
        as_reporter = {"X-Forwarded-Email": "owain.glasbury@example.nhs.wales"}
        assert httpx.get(proxied.url + "/dashboard/org/cvuhb", headers=as_reporter).status_code == 200
        assert httpx.get(proxied.url + "/dashboard/org/bcuhb", headers=as_reporter).status_code == 403
        admin = {"X-Forwarded-Email": "admin@example.nhs.wales"}
        assert httpx.get(proxied.url + "/dashboard/org/bcuhb", headers=admin).status_code == 200
        stranger = httpx.get(proxied.url + "/dashboard", headers={"X-Forwarded-Email": "who@example.com"})
        assert stranger.status_code == 403 and "is not in the bot" in stranger.text
    finally:
        proxied.stop()


def test_the_dashboard_is_off_unless_enabled(live: LiveDashboard) -> None:
    off = start_dashboard(live.database, live.clock, dashboard_enabled=False)
    try:
        assert httpx.get(off.url + "/dashboard").status_code == 404
        assert httpx.get(off.url + "/healthz").status_code == 200
    finally:
        off.stop()
