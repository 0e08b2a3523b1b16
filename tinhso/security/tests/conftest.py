"""Fixtures of the security tests: a system owned by the district, and helpers building its data."""

import pytest

from tinhso.security import services
from tinhso.security.models import Category, Hosting


def system_data(owner, **extra) -> dict:
    return {"code": "BK-001", "name": "Hệ thống một cửa điện tử huyện Ba Bể", "owner": owner,
            "category": Category.ADMIN_PROCEDURE, "hosting": Hosting.ON_PREMISES, "users_count": 120,
            "data_subjects": 45_000, "addresses": "10.5.1.10\n10.5.2.0/24\nmotcua.babe.backan.gov.vn"} | extra


@pytest.fixture
def system(root_admin, district):
    return services.create_system(root_admin, system_data(district))


@pytest.fixture(autouse=True)
def _fresh_attribution():
    """The database is rolled back between tests; the cached host map must follow."""
    services.forget_attribution()
    yield
    services.forget_attribution()


@pytest.fixture
def approver(district):
    """The head of the owner agency (Huyện Ba Bể), allowed to approve level dossiers."""
    from django.contrib.auth.models import Group

    from tinhso.accounts.models import Role, User
    from tinhso.conftest import PASSWORD
    from tinhso.security.dossiers import APPROVER_GROUP

    user = User.objects.create_user("chutich", password=PASSWORD, role=Role.VIEWER, unit=district,
                                    full_name="Chủ tịch UBND huyện")
    user.groups.add(Group.objects.get(name=APPROVER_GROUP))
    return user


def upload(name: str = "ho-so.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, b"%PDF-1.4 test", content_type="application/pdf")


@pytest.fixture
def event_store(tmp_path, settings):
    """An empty event store for the test."""
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    return settings.DATA_DIR
