"""Demo: a shared IOC dashboard of Tỉnh Thái Nguyên for the video wall (idempotent)."""

from tinhso.accounts.models import User
from tinhso.ioc import services
from tinhso.ioc.models import Dashboard


def load(stdout=None) -> None:
    office = User.objects.filter(username="quantri.thainguyen").first()
    if office is None or Dashboard.objects.filter(owner__isnull=True, name="Trung tâm điều hành tỉnh").exists():
        return
    definition = services.default_definition(office)
    definition.update(name="Trung tâm điều hành tỉnh", audience="leader", refresh_seconds=60, rotate_seconds=20)
    services.save_dashboard(office, definition, shared=True)
    if stdout:
        stdout.write("  IOC: bảng 'Trung tâm điều hành tỉnh' / shared wall dashboard\n")
