"""The rules page shows each rule's verification note in the reader's language (#17 item 13): the notes were
shipped as "Vietnamese. / English." pieces joined in one text, now stored once per language."""

import importlib

from tinhso.transport.models import MonitoringRegime, Rule

MIGRATION = importlib.import_module("tinhso.transport.migrations.0008_verification_note_en")


def test_the_shipped_notes_are_split_by_language(db):
    regime = MonitoringRegime.objects.get(code="gsht-2025")
    assert regime.verification_note.startswith("Đã đọc Điều 64") and " / " not in regime.verification_note
    assert regime.verification_note.endswith("Tần suất 30 giây/15 phút giữ như trước: chưa xác nhận.")
    assert regime.verification_note_en.startswith("Art. 64(1)")
    assert regime.verification_note_en.endswith("The 30 s / 15 min intervals are kept as before: not confirmed.")
    assert "Decree 158/2024" in regime.verification_note_en and "Nghị định" not in regime.verification_note_en
    for rule in Rule.objects.exclude(verification_note=""):
        assert rule.verification_note_en, rule.code


def test_a_single_piece_and_a_plain_note():
    assert MIGRATION.split_note("Chưa đọc nguyên văn. / Not read.") == ("Chưa đọc nguyên văn.", "Not read.")
    assert MIGRATION.split_note("Đã đối chiếu Công báo") == ("Đã đối chiếu Công báo", "")


def test_the_rules_page_shows_the_readers_language(client, inspector):
    client.force_login(inspector)
    client.cookies["django_language"] = "en"
    page = client.get("/transport/rules/").content.decode()
    assert "Art. 64(1), 35(2), 71(2) of Law 36/2024/QH15" in page and "chưa đối chiếu với Công báo" not in page
    client.cookies["django_language"] = "vi"
    page = client.get("/transport/rules/").content.decode()
    assert "chưa đối chiếu với Công báo" in page and "Art. 64(1)" not in page
