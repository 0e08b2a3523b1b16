import datetime as dt

import pytest

from tinhso.core.errors import ValidationFailed
from tinhso.documents import issuers
from tinhso.units.models import EventKind, Succession, UnitEvent, UnitKind


@pytest.mark.django_db
def test_bac_kan_2024_is_issued_by_its_information_department(reorganised):
    issuer = issuers.issuer(reorganised.bk, dt.date(2024, 12, 25))
    assert issuer.unit == reorganised.tttt
    assert (issuer.parent_agency, issuer.agency) == ("UBND TỈNH BẮC KẠN", "SỞ THÔNG TIN VÀ TRUYỀN THÔNG")
    assert (issuer.agency_full, issuer.abbr, issuer.place) == ("Sở Thông tin và Truyền thông Bắc Kạn", "STTTT",
                                                               "Bắc Kạn")
    assert issuer.signer.lines == ["GIÁM ĐỐC"]


@pytest.mark.django_db
def test_2026_is_issued_by_thai_nguyen_science_department_even_for_bac_kan(reorganised):
    for subject in (reorganised.tn, reorganised.bk):
        issuer = issuers.issuer(subject, dt.date(2026, 1, 5))
        assert issuer.unit == reorganised.khcn_tn
        assert (issuer.parent_agency, issuer.agency, issuer.place) == (
            "UBND TỈNH THÁI NGUYÊN", "SỞ KHOA HỌC VÀ CÔNG NGHỆ", "Thái Nguyên")


@pytest.mark.django_db
def test_between_the_two_reforms_the_interim_department_issues(reorganised):
    assert issuers.issuer(reorganised.bk, dt.date(2025, 4, 10)).unit == reorganised.khcn_interim
    # a department followed back and forth through its own links
    # of several predecessors, the one with the same electronic code continues the unit
    assert issuers.issuer(reorganised.khcn_tn, dt.date(2025, 5, 1)).unit == reorganised.khcn_tn_old
    assert issuers.as_of(reorganised.khcn_interim, dt.date(2024, 6, 1)) == reorganised.khcn_old
    assert issuers.as_of(reorganised.tttt, dt.date(2026, 3, 1)) == reorganised.khcn_tn


@pytest.mark.django_db
def test_ambiguous_predecessors_ask_for_the_issuing_unit(reorganised, make_unit):
    first = make_unit("Xã Đôn Phong", UnitKind.COMMUNE, reorganised.bk, valid_to=dt.date(2025, 6, 30))
    second = make_unit("Xã Quảng Khê", UnitKind.COMMUNE, reorganised.bk, valid_to=dt.date(2025, 6, 30))
    event = UnitEvent.objects.create(kind=EventKind.MERGE, date=dt.date(2025, 7, 1))
    for old in (first, second):
        Succession.objects.create(event=event, predecessor=old, successor=reorganised.ward)
    with pytest.raises(ValidationFailed) as caught:
        issuers.as_of(reorganised.ward, dt.date(2024, 6, 1), "issuer")
    assert caught.value.errors[0].field == "issuer"
    assert "Xã Đôn Phong, Xã Quảng Khê" in caught.value.errors[0].vi


@pytest.mark.django_db
def test_a_ward_issues_as_its_peoples_committee_signed_on_behalf(reorganised):
    issuer = issuers.issuer(reorganised.ward, dt.date(2026, 1, 5))
    assert issuer.agency == "ỦY BAN NHÂN DÂN\nPHƯỜNG BẮC KẠN" and issuer.parent_agency == ""
    assert (issuer.abbr, issuer.place) == ("UBND", "Bắc Kạn")
    assert issuer.signer.lines == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]


def test_signer_forms():
    assert issuers.signer_for("Sở Khoa học và Công nghệ", "KT.").lines == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]
    assert issuers.signer_for("Sở Khoa học và Công nghệ", "Q.").lines == ["Q. GIÁM ĐỐC"]
    assert issuers.signer_for("Văn phòng UBND tỉnh", "TL.").lines == ["TL. CHÁNH VĂN PHÒNG"]
    assert issuers.signer_for("Tỉnh Thái Nguyên", "KT.").lines == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH",
                                                                   "PHÓ CHỦ TỊCH"]
