import pytest

from tinhso.accounts import demo as accounts_demo
from tinhso.accounts.models import User
from tinhso.sharing import demo, services
from tinhso.sharing.models import Access, AccessStatus, Service
from tinhso.units import demo as units_demo

pytestmark = pytest.mark.django_db


def test_demo_has_the_seed_provinces_services_consumers_and_a_month_of_traffic():
    units_demo.load()
    accounts_demo.load()
    demo.load()
    demo.load()  # idempotent
    assert Service.objects.count() == 6
    assert Access.objects.filter(status=AccessStatus.APPROVED).count() == 11
    assert Access.objects.filter(status=AccessStatus.PENDING).count() == 1
    office = User.objects.get(username="quantri.thainguyen")
    rows = services.rollup(office, *services.month_bounds(2025, 10), by="day")
    assert len(rows) == 31 and sum(r["calls"] for r in rows) > 15_000
    flagged = [r for r in services.reconcile(office, *services.month_bounds(2025, 10)) if r["flagged"]]
    assert [(r["service_code"], r["day"].day, r["gap"]) for r in flagged] == [("thua-dat", 15, 3)]
    from tinhso.indicators.models import Report

    assert Report.objects.filter(form__code=services.FORM_CODE, period="2025-10", status="approved").count() >= 10
    # the focal point of the Department of Science and Technology has the pending request to decide
    focal = User.objects.get(username="daumoi.sokhcn")
    pending = services.list_accesses(focal, AccessStatus.PENDING)
    assert len(pending) == 1 and services.can_manage_provider(focal, pending[0].service.provider_unit)
