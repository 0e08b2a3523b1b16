"""Every page renders for the roles that use it, numbers in Vietnamese format, and refuses what it must."""

from django.test import Client

from tinhso.conftest import PASSWORD
from tinhso.indicators import services
from tinhso.indicators.tests.conftest import monthly_values


def client_for(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_pages_render(monthly, fill, root_admin, commune_focal, commune, province):
    report = fill(monthly, commune, "2024-03", monthly_values(1200, 900))
    services.set_target(root_admin, "TL_HS_TRUC_TUYEN", province, 2024, 70)
    client = client_for(root_admin)
    for url in ("/indicators/", "/indicators/catalogue/?q=ty+le", "/indicators/catalogue/TL_HS_TRUC_TUYEN/",
                f"/indicators/completeness/?form=BM01-THANG&period=2024-03&under={province.pk}",
                f"/indicators/analytics/?indicator=HS_TONG&parent={province.pk}&year=2024&as_of=2024-12-31",
                f"/indicators/targets/?unit={province.pk}&year=2024", "/indicators/reminders/",
                f"/indicators/report/BM01-THANG/{commune.pk}/2024-03/"):
        response = client.get(url)
        assert response.status_code == 200, url
    body = client.get(f"/indicators/analytics/?indicator=HS_TONG&parent={province.pk}&year=2024"
                      f"&as_of=2024-12-31").content.decode()
    assert "1.200" in body and "<svg" in body
    assert "kozea.github.io" not in body and 'xlink:href="//' not in body  # offline: no external script
    targets = client.get(f"/indicators/targets/?unit={province.pk}&year=2024").content.decode()
    assert "ở cấp tỉnh là 75%/70%, đạt 107%" in targets and "1 chỉ tiêu đạt và vượt kế hoạch" in targets
    template = client.get(f"/indicators/report/BM01-THANG/{commune.pk}/2024-03/template.xlsx")
    assert template.status_code == 200 and template["Content-Type"].startswith("application/vnd.openxml")
    assert report.pk


def test_entry_page_shows_errors_beside_the_cell_and_refuses_other_units(monthly, commune_focal, second_focal,
                                                                         commune):
    client = client_for(commune_focal)
    url = f"/indicators/report/BM01-THANG/{commune.pk}/2024-03/"
    response = client.post(url, {"action": "save", "v_HS_TONG": "abc"})
    assert response.status_code == 200
    assert "không phải là số" in response.content.decode()
    assert client_for(second_focal).get(url).status_code == 403
    assert client.get(f"/indicators/report/BM01-THANG/{commune.pk}/2024-99/").status_code == 400
