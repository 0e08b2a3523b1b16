"""Draft → submitted → approved or returned; approval by the parent or the DX office; locks,
reopening with history, version checks and scope."""

import pytest

from tinhso.accounts.models import Role, User
from tinhso.conftest import PASSWORD
from tinhso.core.audit import history_of
from tinhso.core.errors import Conflict, Forbidden, ValidationFailed
from tinhso.indicators import services
from tinhso.indicators.models import DataValue, Report, Status
from tinhso.indicators.services import Locked
from tinhso.indicators.tests.conftest import monthly_values


def test_full_cycle_with_return_and_approval(monthly, commune_focal, focal_user, commune):
    result = services.save_report(commune_focal, monthly, commune, "2024-01", monthly_values(10, 5))
    report = result.report
    assert report.status == Status.DRAFT and result.created
    report = services.submit_report(commune_focal, report.pk, report.version)
    assert report.status == Status.SUBMITTED and report.submitted_by == commune_focal
    # the district (parent) returns it with a comment
    report = services.return_report(focal_user, report.pk, "Thiếu số hồ sơ số hóa", report.version)
    assert report.status == Status.RETURNED and "số hóa" in report.comment
    services.save_report(commune_focal, monthly, commune, "2024-01", {"HS_SO_HOA_KQ": 4})
    report = services.submit_report(commune_focal, report.pk)
    report = services.approve_report(focal_user, report.pk, report.version)
    assert report.status == Status.APPROVED and report.approved_by == focal_user


def test_a_unit_cannot_approve_its_own_report(monthly, commune_focal, commune):
    report = services.save_report(commune_focal, monthly, commune, "2024-01", monthly_values(10, 5),
                                  submit=True).report
    with pytest.raises(Forbidden):
        services.approve_report(commune_focal, report.pk)


def test_viewer_and_other_units_cannot_write(monthly, viewer_user, commune, second_focal, second_commune):
    with pytest.raises(Forbidden):
        services.save_report(viewer_user, monthly, commune, "2024-01", monthly_values(10, 5))
    with pytest.raises(Forbidden):
        services.save_report(second_focal, monthly, commune, "2024-01", monthly_values(10, 5))


def test_dx_office_can_approve_when_the_form_says_so(catalogue, root_admin, province_admin, province, focal_user,
                                                     commune_focal, commune):
    form = services.get_form("BM01-THANG")
    form.approval_by = "dx_office"
    form.save()
    report = services.save_report(commune_focal, form, commune, "2024-01", monthly_values(10, 5), submit=True).report
    with pytest.raises(Forbidden):
        services.approve_report(focal_user, report.pk)  # the district is the parent, not the DX office
    assert services.approve_report(province_admin, report.pk).status == Status.APPROVED


def test_submitted_and_approved_reports_are_locked(monthly, commune_focal, focal_user, commune):
    report = services.save_report(commune_focal, monthly, commune, "2024-01", monthly_values(10, 5),
                                  submit=True).report
    with pytest.raises(Locked):
        services.save_report(commune_focal, monthly, commune, "2024-01", {"HS_TONG": 11})
    services.approve_report(focal_user, report.pk)
    with pytest.raises(Locked) as failure:
        services.save_report(commune_focal, monthly, commune, "2024-01", {"HS_TONG": 11})
    assert failure.value.status == 409
    # an identical resend of the same submission is accepted and changes nothing
    again = services.save_report(commune_focal, monthly, commune, "2024-01", monthly_values(10, 5), submit=True)
    assert again.unchanged and Report.objects.count() == 1


def test_reopening_keeps_the_history(monthly, commune_focal, focal_user, commune):
    report = services.save_report(commune_focal, monthly, commune, "2024-01", monthly_values(10, 5),
                                  submit=True).report
    services.approve_report(focal_user, report.pk)
    with pytest.raises(ValidationFailed):
        services.reopen_report(focal_user, report.pk, "  ")
    with pytest.raises(Forbidden):
        services.reopen_report(commune_focal, report.pk, "tự mở lại")
    report = services.reopen_report(focal_user, report.pk, "Số hồ sơ tháng 1 sai")
    assert report.status == Status.RETURNED and report.reopened == 1
    services.save_report(commune_focal, monthly, commune, "2024-01", {"HS_TONG": 12}, submit=True)
    value = DataValue.objects.get(report=report, indicator__code="HS_TONG")
    assert [h.value for h in value.history.order_by("history_date")] == [10, 12]
    statuses = [h.status for h in report.history.order_by("history_date")]
    assert Status.APPROVED in statuses and statuses[-1] == Status.SUBMITTED
    assert any("Mở lại" in entry.reason for entry in history_of(report))


def test_stale_versions_conflict(monthly, commune_focal, commune):
    report = services.save_report(commune_focal, monthly, commune, "2024-01", monthly_values(10, 5)).report
    services.save_report(commune_focal, monthly, commune, "2024-01", {"HS_TONG": 11}, expected_version=report.version)
    with pytest.raises(Conflict):
        services.save_report(commune_focal, monthly, commune, "2024-01", {"HS_TONG": 12},
                             expected_version=report.version)
    with pytest.raises(Conflict):
        services.submit_report(commune_focal, report.pk, report.version)


def test_transitions_from_the_wrong_state_are_refused(monthly, commune_focal, focal_user, commune):
    report = services.save_report(commune_focal, monthly, commune, "2024-01", monthly_values(10, 5)).report
    with pytest.raises(ValidationFailed):
        services.approve_report(focal_user, report.pk)
    with pytest.raises(ValidationFailed):
        services.reopen_report(focal_user, report.pk, "x")


def test_api_client_can_submit_but_not_approve(monthly, commune, district):
    client = User.objects.create_user("sys", password=PASSWORD, role=Role.API_CLIENT, unit=district)
    report = services.save_report(client, monthly, commune, "2024-01", monthly_values(10, 5), submit=True).report
    with pytest.raises(Forbidden):
        services.approve_report(client, report.pk)
