"""With a language chosen, the parts of every page that core and accounts draw speak that language only (#17
item 13): the language selector, the signed-in user's role, the audit table, stored bilingual texts."""

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from tinhso.core.labels import choice_from_text, one_language
from tinhso.units import services as units
from tinhso.units.models import UnitKind


def _page(user, path: str, language: str) -> str:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(path).content.decode()


@pytest.mark.django_db
def test_the_header_of_every_page_shows_the_role_and_the_language_selector_in_one_language(province_admin):
    vi = _page(province_admin, "/accounts/me/", "vi")
    assert 'aria-label="Ngôn ngữ"' in vi and "Quản trị cấp tỉnh" in vi
    assert "Provincial administrator" not in vi and "Language" not in vi
    en = _page(province_admin, "/accounts/me/", "en")
    assert 'aria-label="Language"' in en and "Provincial administrator" in en
    assert "Quản trị cấp tỉnh" not in en and "Ngôn ngữ" not in en


@pytest.mark.django_db
def test_the_audit_table_shows_labels_choices_reasons_and_who_in_the_readers_language(root_admin, department):
    units.update_unit(root_admin, department.pk, {"kind": UnitKind.PUBLIC_SERVICE}, department.version,
                      "Đổi loại / Kind changed")
    vi = _page(root_admin, f"/units/{department.pk}/history/", "vi")
    assert "Loại đơn vị" in vi and "Sở, ban, ngành" in vi and "Đơn vị sự nghiệp" in vi and "Đổi loại" in vi
    assert "Department or agency" not in vi and "Kind changed" not in vi and "/ Kind" not in vi
    en = _page(root_admin, f"/units/{department.pk}/history/", "en")
    assert "Kind" in en and "Department or agency" in en and "Public service unit" in en and "Kind changed" in en
    assert "Sở, ban, ngành" not in en and "Đổi loại" not in en
    assert 'data-field="kind"' in en and 'title="kind"' not in en  # the stored name is markup, not a tooltip


def test_a_stored_bilingual_text_shows_the_readers_half_and_other_texts_stay_whole():
    with translation.override("vi"):
        assert one_language("Danh mục chỉ tiêu / Catalogue") == "Danh mục chỉ tiêu"
        assert one_language("hệ thống / system") == "hệ thống"
    with translation.override("en"):
        assert one_language("Danh mục chỉ tiêu / Catalogue") == "Catalogue"
        assert one_language("Tỉnh A / Tỉnh B") == "Tỉnh A / Tỉnh B"  # two Vietnamese names, not a translation
        assert one_language("Σtử / Σmẫu") == "Σtử / Σmẫu"
        assert one_language("") == ""
        assert one_language("Trả lại / Returned: thiếu số liệu quý") == "Returned: thiếu số liệu quý"
        assert one_language("Nhập số liệu / Data entry; gửi báo cáo / submitted") == "Data entry; submitted"
    with translation.override("vi"):
        assert one_language("Trả lại / Returned: thiếu số liệu quý") == "Trả lại: thiếu số liệu quý"


def test_a_choice_is_read_from_its_code_or_either_label_or_the_old_bilingual_label():
    assert choice_from_text("commune", UnitKind) == "commune"
    assert choice_from_text("Sở, ban, ngành", UnitKind) == "department"
    assert choice_from_text("department or agency", UnitKind) == "department"
    assert choice_from_text("Sở, ban, ngành / Department or agency", UnitKind) == "department"
    assert choice_from_text("so, ban, nganh", UnitKind) == "department"
    assert choice_from_text("Tổ dân phố", UnitKind) is None
    assert choice_from_text("", UnitKind) is None
