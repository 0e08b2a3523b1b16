"""Journey monitoring's part of the documents (transport/report.py): the enforcement figures add up the
inspectors' summary report (services.report) and the coach screening of the period, for readers who may
see journey data."""

import datetime as dt

import pytest

from tinhso.core import reporting
from tinhso.transport import generator, report, services, store
from tinhso.transport.models import Vehicle

START = dt.date(2025, 9, 1)


@pytest.fixture
def planted(inspector):
    """The generator's planted fleet: 24 vehicles, 21 days from 01/09/2025, analysed."""
    fleet = generator.make_fleet(24, seed=7)
    services.register_fleet(fleet)
    store.ingest(generator.generate_table(fleet, START, 21, seed=7), "parquet", services.vehicle_map())
    services.run_analysis(inspector, START, START + dt.timedelta(days=20))
    return fleet


def _request(user, key):
    province = user.unit.parent
    return reporting.ReportRequest(user, province, reporting.parse_period(key), today=dt.date(2025, 12, 31))


def test_figures_add_up_the_summary_report_and_the_coach_screening(inspector, planted):
    [section] = report.sections(_request(inspector, "2025-09"))
    rows = services.report(inspector, "vehicle", START, START + dt.timedelta(days=20))
    figures = {f.key: f.value for f in section.figures}
    for key, _ in report.COUNTS:
        assert figures[f"transport.{key}"] == sum(r[key] for r in rows)
    assert figures["transport.violations"] == sum(r[k] for r in rows for k, _ in report.COUNTS)
    assert figures["transport.vehicles"] == len(rows) == 24
    flagged = [c for c in services.coach_candidates(inspector, START, START + dt.timedelta(days=20)) if c.flagged]
    assert figures["transport.coaches"] == len(flagged) >= 3
    plates = dict(Vehicle.objects.values_list("id", "plate"))
    assert [r[1] for r in section.appendices[0].rows] == [plates[c.vehicle_id] for c in flagged]
    assert any("xe hợp đồng" in p for p in section.problems)
    # a quarter is read in windows the module allows (62 days) and gives the same figures
    [quarter] = report.sections(_request(inspector, "2025-Q3"))
    assert {f.key: f.value for f in quarter.figures} == figures


def test_only_for_readers_of_journey_data_and_periods_with_data(inspector, planted, viewer_user, province):
    assert report.sections(reporting.ReportRequest(viewer_user, province, reporting.parse_period("2025-09"),
                                                   today=dt.date(2025, 12, 31))) == []
    assert report.sections(_request(inspector, "2025-06")) == []


def test_windows_cover_the_span_within_the_modules_limit():
    spans = report.windows(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert spans[0][0] == dt.date(2025, 1, 1) and spans[-1][1] == dt.date(2025, 12, 31)
    assert all((b - a).days + 1 <= services.MAX_PERIOD_DAYS for a, b in spans)
    assert all(spans[i][1] + dt.timedelta(days=1) == spans[i + 1][0] for i in range(len(spans) - 1))
