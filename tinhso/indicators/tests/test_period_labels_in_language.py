"""One language per page (#17): a period reads "Quý I/2024" on a Vietnamese page and "Quarter I/2024" on an English
one; the Vietnamese label stays for documents, sentences and exports."""

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from tinhso.conftest import PASSWORD
from tinhso.indicators import periods
from tinhso.indicators.tests.conftest import monthly_values

CASES = [  # (period, Vietnamese, English)
    (periods.Period(dt.date(2024, 3, 1), periods.MONTH), "Tháng 03/2024", "03/2024"),
    (periods.Period(dt.date(2024, 1, 1), periods.QUARTER), "Quý I/2024", "Quarter I/2024"),
    (periods.Period(dt.date(2024, 7, 1), periods.HALF), "6 tháng cuối năm 2024", "Second half of 2024"),
    (periods.Period(dt.date(2024, 1, 1), periods.YEAR), "Năm 2024", "Year 2024"),
]


@pytest.mark.parametrize(("period", "vietnamese", "english"), CASES)
def test_a_period_is_displayed_in_the_reader_s_language_and_labelled_in_vietnamese(period, vietnamese, english):
    with translation.override("vi"):
        assert period.display == vietnamese == period.label
    with translation.override("en"):
        assert period.display == english
        assert period.label == vietnamese


def test_the_report_page_names_its_period_in_the_chosen_language(monthly, fill, commune_focal, commune):
    fill(monthly, commune, "2024-03", monthly_values(1200, 900))
    client = Client()
    assert client.login(username=commune_focal.username, password=PASSWORD)
    url = f"/indicators/report/BM01-THANG/{commune.pk}/2024-03/"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url).content.decode()
    assert "03/2024" in english and "Tháng 03/2024" not in english and "Tháng 02/2024" not in english
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    assert "Tháng 03/2024" in client.get(url).content.decode()
