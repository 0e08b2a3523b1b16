"""Collecting a round's automatic values and previewing its results run as background jobs with a
progress page that returns to the round with the outcome."""

import re

import pytest

from .conftest import run_round

pytestmark = pytest.mark.django_db


def test_preview_and_collect_run_as_jobs(client, root_admin, framework, province, commune, other_commune):
    round_ = run_round(root_admin, framework, province, [commune, other_commune], 2024,
                       {commune: {"A1": 80}, other_commune: {"A1": 95}}, publish=False)
    client.force_login(root_admin)
    for action, outcome in (("compute", "Đã tính kết quả của 2 đơn vị"), ("collect", "Đã cập nhật 0 giá trị")):
        response = client.post(f"/dti/rounds/{round_.pk}/do/{action}/")
        assert re.fullmatch(r"/jobs/\d+/", response["Location"]), action
        page = client.get(response["Location"], follow=True)
        assert page.redirect_chain[-1][0] == f"/dti/rounds/{round_.pk}/"
        assert outcome in page.content.decode()


def test_a_unit_focal_point_cannot_start_them(client, commune_focal, root_admin, framework, province, commune,
                                              other_commune):
    round_ = run_round(root_admin, framework, province, [commune, other_commune], 2024,
                       {commune: {"A1": 80}}, publish=False)
    client.force_login(commune_focal)
    assert client.post(f"/dti/rounds/{round_.pk}/do/compute/").status_code == 403
