"""#15, serving many users: the indicators page lists the reports a unit has to fill with one query for all of
them, not one per form and period."""

import datetime as dt

from tinhso.indicators import services
from tinhso.indicators.tests.conftest import monthly_values


def test_the_reports_to_fill_are_read_in_one_query(monthly, quarterly, fill, commune, commune_focal,
                                                   django_assert_max_num_queries):
    report = fill(monthly, commune, "2024-03", monthly_values(1200, 900))
    commune_focal.unit  # noqa: B018 - loaded with the account on a page
    with django_assert_max_num_queries(2):  # the forms, the reports (was one per form and period)
        tasks = services.my_tasks(commune_focal, today=dt.date(2024, 4, 20))
    by_key = {(task["form"].code, task["period"].key): task["report"] for task in tasks}
    assert by_key[("BM01-THANG", "2024-03")] == report
    assert by_key[("BM01-THANG", "2024-02")] is None
    assert len([key for key in by_key if key[0] == "BM01-THANG"]) == 3
