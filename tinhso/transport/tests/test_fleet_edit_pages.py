"""Edit pages of the fleet registry (a transport business, a driver, a device): saved through the same
services as the API, at the version the page was read (a stale page is refused with a conflict message,
nothing overwritten), only by inspectors who manage the registry, and every change in the history."""

import pytest
from django.contrib.auth.models import Group

from tinhso.accounts.models import Role, User
from tinhso.conftest import PASSWORD
from tinhso.transport import fleet as registry
from tinhso.transport.models import INSPECTOR_GROUP, Business, Device, Driver


@pytest.fixture
def signed_in(client, inspector):
    client.login(username=inspector.username, password=PASSWORD)
    return client


def _post(client, url: str, data: dict):
    return client.post(url, {k: v for k, v in data.items() if v is not None and v is not False})


def test_a_business_is_edited_at_its_version_and_audited(signed_in, inspector, fleet):
    business = fleet["business"]
    url = f"/transport/fleet/businesses/{business.pk}/edit/"
    page = signed_in.get(url)
    assert page.status_code == 200
    assert f'name="version" value="{business.version}"' in page.content.decode()
    data = {"name": "Công ty CP Vận tải Thái Nguyên", "licence_number": business.licence_number,
            "address": "Số 1 Hoàng Văn Thụ", "active": "on", "version": business.version}
    assert _post(signed_in, url, data).status_code == 302
    business.refresh_from_db()
    assert business.name == "Công ty CP Vận tải Thái Nguyên" and business.version == 2
    assert business.history.first().history_user == inspector
    history = signed_in.get(url).content.decode()
    assert "Công ty CP Vận tải Thái Nguyên" in history and "Số 1 Hoàng Văn Thụ" in history  # the change log
    # someone saves again from the page read at version 1: refused, said so, nothing overwritten
    stale = _post(signed_in, url, {**data, "name": "Tên cũ ghi đè", "version": 1})
    assert stale.status_code == 409
    assert "đã được người khác sửa" in stale.content.decode()
    business.refresh_from_db()
    assert business.name == "Công ty CP Vận tải Thái Nguyên" and business.version == 2


def test_a_business_form_names_the_field_in_error(signed_in, fleet):
    other = Business.objects.create(name="Hợp tác xã Chợ Mới", licence_number="97-0002/GPKDVT")
    business = fleet["business"]
    response = _post(signed_in, f"/transport/fleet/businesses/{business.pk}/edit/", {
        "name": business.name, "licence_number": other.licence_number, "version": business.version})
    assert response.status_code == 400
    assert "giấy phép 97-0002/GPKDVT đã có" in response.content.decode()
    business.refresh_from_db()
    assert business.licence_number == "20-0001/GPKDVT"


def test_a_driver_moves_to_another_business_and_a_stale_page_is_refused(signed_in, inspector, fleet):
    driver = Driver.objects.get(licence_number="200000000001")
    other = Business.objects.create(name="Hợp tác xã Chợ Mới", licence_number="97-0002/GPKDVT")
    url = f"/transport/fleet/drivers/{driver.pk}/edit/"
    assert signed_in.get(url).status_code == 200
    data = {"full_name": "Nguyễn Văn Ân", "business": other.pk, "active": "on", "version": driver.version}
    assert _post(signed_in, url, data).status_code == 302
    driver.refresh_from_db()
    assert (driver.full_name, driver.business, driver.version) == ("Nguyễn Văn Ân", other, 2)
    assert driver.history.first().history_user == inspector
    stale = _post(signed_in, url, {**data, "full_name": "Ghi đè", "version": 1})
    assert stale.status_code == 409 and "đã được người khác sửa" in stale.content.decode()
    assert Driver.objects.get(pk=driver.pk).full_name == "Nguyễn Văn Ân"


def test_a_device_is_fitted_by_plate_however_written(signed_in, inspector, fleet):
    device = registry.create_device(inspector, "GSHT-9", "Bình Anh")
    url = f"/transport/fleet/devices/{device.pk}/edit/"
    assert signed_in.get(url).status_code == 200
    data = {"provider": "Bình Anh", "plate": "20b01234", "active": "on", "version": device.version}
    assert _post(signed_in, url, data).status_code == 302
    device.refresh_from_db()
    assert device.vehicle == fleet["20B-012.34"] and device.version == 2
    assert device.history.first().history_user == inspector
    unknown = _post(signed_in, url, {**data, "plate": "99Z-999.99", "version": 2})
    assert unknown.status_code == 400 and "không có xe biển số &#x27;99Z-999.99&#x27;" in unknown.content.decode()
    other = registry.create_device(inspector, "GSHT-10", "", fleet["20C-111.22"])
    taken = _post(signed_in, f"/transport/fleet/devices/{other.pk}/edit/", {
        "plate": "20B-012.34", "active": "on", "version": other.version})
    assert taken.status_code == 400 and "xe đã lắp thiết bị khác" in taken.content.decode()
    assert Device.objects.get(pk=other.pk).vehicle == fleet["20C-111.22"]
    stale = _post(signed_in, url, {**data, "plate": "", "version": 1})
    assert stale.status_code == 409 and Device.objects.get(pk=device.pk).vehicle == fleet["20B-012.34"]


def test_only_inspectors_who_manage_the_registry_edit_it(client, inspector, fleet, viewer_user):
    reader = User.objects.create_user("thanhtra.xem", password=PASSWORD, role=Role.VIEWER, unit=inspector.unit)
    reader.groups.add(Group.objects.get(name=INSPECTOR_GROUP))
    business, driver = fleet["business"], Driver.objects.get(licence_number="200000000001")
    device = registry.create_device(inspector, "GSHT-9")
    urls = [f"/transport/fleet/businesses/{business.pk}/edit/", f"/transport/fleet/drivers/{driver.pk}/edit/",
            f"/transport/fleet/devices/{device.pk}/edit/"]
    for user in (viewer_user, reader):
        client.login(username=user.username, password=PASSWORD)
        for url in urls:
            assert client.get(url).status_code == 403, (user, url)
            assert client.post(url, {"name": "X", "full_name": "X", "version": 1}).status_code == 403, (user, url)
    client.login(username=reader.username, password=PASSWORD)
    listing = client.get("/transport/fleet/").content.decode()
    assert driver.full_name in listing and "GSHT-9" in listing and "/edit/" not in listing
    client.login(username=inspector.username, password=PASSWORD)
    listing = client.get("/transport/fleet/").content.decode()
    assert all(url in listing for url in urls)
    business.refresh_from_db()
    assert business.version == 1 and business.name == "Công ty Vận tải Thái Nguyên"
