"""Kiosk links: signed, read-only, one dashboard, expiring, revocable; figures shared between screens."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from tinhso.core.errors import Forbidden
from tinhso.ioc import services
from tinhso.ioc.models import KioskLink
from tinhso.ioc.tests.test_definitions import _definition


@pytest.fixture
def board(catalogue, province_admin, province):
    return services.save_dashboard(province_admin, _definition(scope=province.code, name="Màn hình IOC"), shared=True)


def test_a_kiosk_link_shows_its_dashboard_without_login(board, province_admin):
    _, token = services.issue_kiosk_link(province_admin, board.pk, "Màn hình chính", days=7)
    client = Client()
    page = client.get(f"/ioc/wall/{token}/")
    assert page.status_code == 200
    assert "Màn hình IOC" in page.content.decode()
    data = client.get(f"/ioc/wall/{token}/data.json").json()
    assert data["computation"] >= 1 and "ioc-main" in data["html"]
    # the link opens nothing else: no session is created, other pages still ask for a login
    assert client.get("/").status_code == 302
    assert client.get(f"/ioc/d/{board.pk}/").status_code == 302
    assert client.get("/indicators/targets/").status_code == 302


def test_expired_revoked_or_tampered_links_are_refused(board, province_admin):
    link, token = services.issue_kiosk_link(province_admin, board.pk, "Hội trường", days=1)
    client = Client()
    assert client.get(f"/ioc/wall/{token[:-2]}xx/").status_code == 403
    KioskLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(f"/ioc/wall/{token}/").status_code == 403
    assert client.get(f"/ioc/wall/{token}/data.json").status_code == 403
    link2, token2 = services.issue_kiosk_link(province_admin, board.pk, "Phòng họp", days=1)
    assert client.get(f"/ioc/wall/{token2}/data.json").status_code == 200
    services.revoke_kiosk_link(province_admin, link2.pk)
    assert client.get(f"/ioc/wall/{token2}/data.json").status_code == 403
    with pytest.raises(Forbidden):
        services.resolve_kiosk(token2)


def test_only_the_dx_office_issues_links_and_only_for_shared_dashboards(board, viewer_user, province_admin):
    with pytest.raises(Forbidden):
        services.issue_kiosk_link(viewer_user, board.pk, "x")
    own = services.save_dashboard(province_admin, _definition(name="Riêng"))
    with pytest.raises(Exception) as caught:
        services.issue_kiosk_link(province_admin, own.pk, "x")
    assert caught.value.status == 400


def test_many_screens_cost_one_computation_per_interval(board, province_admin):
    _, token = services.issue_kiosk_link(province_admin, board.pk, "Tường", days=1)
    before = services.FIGURES.computations
    client = Client()
    seen = {client.get(f"/ioc/wall/{token}/data.json").json()["computation"] for _ in range(20)}
    assert len(seen) == 1
    assert services.FIGURES.computations == before + 1
    unchanged = client.get(f"/ioc/wall/{token}/data.json", {"have": seen.pop()}).json()
    assert unchanged["unchanged"] is True and "html" not in unchanged


def test_screens_get_the_previous_figures_while_one_recomputes():
    import threading

    store = services.SharedFigures()
    started, release = threading.Event(), threading.Event()

    def slow():
        started.set()
        release.wait(5)
        return services.Figures(ctx=None, definition={}, sections=[], alerts=[], computed_at=timezone.now())

    first = store.get(("k",), 0.0, lambda: services.Figures(ctx=None, definition={}, sections=[], alerts=[],
                                                             computed_at=timezone.now()))
    worker = threading.Thread(target=lambda: store.get(("k",), 60.0, slow))
    worker.start()
    started.wait(5)
    assert store.get(("k",), 60.0, slow) is first  # not blocked behind the recomputation
    release.set()
    worker.join(5)
    again = store.get(("k",), 60.0, slow)
    assert again is not first and again.computation != first.computation and store.computations == 2


def test_screens_get_the_figures_compressed_and_encoded_once(board, province_admin):
    import gzip
    import json

    _, token = services.issue_kiosk_link(province_admin, board.pk, "Tường", days=1)
    client = Client()
    plain = client.get(f"/ioc/wall/{token}/data.json")
    zipped = client.get(f"/ioc/wall/{token}/data.json", HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert zipped["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(zipped.content)) == plain.json()
    assert len(zipped.content) < len(plain.content)
