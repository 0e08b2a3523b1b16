"""Ingest of each format, malformed lines counted, attribution host → system → owner, file/HTTP/CLI paths."""

import datetime as dt
import json

from django.contrib.auth.models import Permission
from django.core.management import call_command

from tinhso.security.events import store

DAY = dt.date(2024, 5, 2)
LINES = [
    "<38>May  2 10:00:01 db01 sshd[99]: Accepted password for ops from 10.0.0.5 port 51000 ssh2",
    "<37>May  2 10:00:02 MOTCUA.babe.backan.gov.vn sshd[99]: Failed password for invalid user admin from 203.0.113.5 "
    "port 22 ssh2",
    '<34>1 2024-05-02T10:00:03.5+07:00 web01 nginx - - [meta x="a]b"] 198.51.100.7 - - [02/May/2024:10:00:03 +0700] '
    '"GET /a?id=1 HTTP/1.1" 404 12',
    json.dumps({"timestamp": "2024-05-02T10:00:04.000+0700", "rule": {"level": 12, "description": "ClamAV: Virus",
                "id": "52502", "groups": ["virus"]}, "agent": {"name": "x", "ip": "10.5.2.9"}, "full_log": "FOUND"}),
    json.dumps({"timestamp": "2024-05-02T10:00:05.123456+0700", "event_type": "alert", "src_ip": "203.0.113.9",
                "dest_ip": "10.9.9.9", "alert": {"signature_id": 1, "signature": "ET WEB SQLi",
                                                 "category": "Web Application Attack", "severity": 1}}),
    "",
    "this is not a log line",
    '{"timestamp": "not a time", "rule": {}}',
    '{"event_type": "alert"',
    "<34>1 2024-13-45T99:00:00Z host app - - - bad date",
]


def _stored() -> list[dict]:
    names = store.SCHEMA.names
    return [dict(zip(names, row, strict=True))
            for row in store.query(f"SELECT {', '.join(names)} FROM {{events}} ORDER BY ts", DAY, DAY)]


def test_each_format_is_read_and_malformed_lines_are_counted_not_fatal(event_store, system):
    result = store.ingest_lines(LINES, "auto", 2024)
    assert (result.lines, result.stored, result.malformed) == (9, 5, 4)
    assert result.by_format == {"syslog": 3, "wazuh": 1, "suricata": 1}
    assert [s["line"] for s in sorted(result.samples, key=lambda s: s["line"])] == [7, 8, 9, 10]
    rows = _stored()
    assert [r["category"] for r in rows] == ["auth_success", "auth_failure", "web_request", "malware", "web_attack"]
    failed = rows[1]
    assert (failed["user"], failed["source_ip"]) == ("admin", "203.0.113.5")
    assert failed["host"] == "motcua.babe.backan.gov.vn"
    web = rows[2]
    assert (web["http_status"], web["url"], web["source_ip"]) == (404, "/a?id=1", "198.51.100.7")
    assert rows[0]["ts"] == dt.datetime(2024, 5, 2, 3, 0, 1, tzinfo=dt.UTC)  # BSD syslog is local time (UTC+7)
    assert rows[3]["severity"] == 12 and rows[4]["severity"] == 12


def test_events_are_attributed_host_to_system_to_owner(event_store, system, district):
    result = store.ingest_lines(LINES, "auto", 2024)
    assert result.attributed == 2
    rows = {r["category"]: r for r in _stored()}
    assert (rows["auth_failure"]["system_id"], rows["auth_failure"]["owner_id"]) == (system.pk, district.pk)
    assert rows["malware"]["system_id"] == system.pk  # by the agent's address, 10.5.2.9 in 10.5.2.0/24
    assert rows["auth_success"]["system_id"] is None


def test_a_file_is_ingested_by_the_command(event_store, system, tmp_path):
    path = tmp_path / "auth.log"
    path.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    call_command("security_ingest", str(path), "--year", "2024", stdout=(out := _Buffer()))
    assert "5 lưu / stored, 4 lỗi / malformed" in out.text


def test_an_http_batch_needs_the_permission_and_reports_malformed_lines(event_store, api_as, api_user, system):
    client = api_as(api_user)
    assert client.post("/security/events", {"lines": LINES, "year": 2024}).status_code == 403
    api_user.user_permissions.add(Permission.objects.get(codename="ingest_events"))
    response = api_as(api_user).post("/security/events", {"lines": LINES, "year": 2024})
    assert response.status_code == 200, response.json()
    assert {k: response.json()[k] for k in ("lines", "stored", "malformed")} == {"lines": 9, "stored": 5,
                                                                               "malformed": 4}


class _Buffer:
    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> None:
        self.text += text

    def flush(self) -> None:
        pass
