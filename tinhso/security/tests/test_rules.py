"""Each starter rule fires on its planted attack and not on benign traffic; Sigma conversion details."""

import datetime as dt

import pytest

from tinhso.security import services
from tinhso.security.events import generator, rules, store
from tinhso.security.tests.conftest import system_data

DAY = dt.date(2024, 5, 2)
HOSTS = ["web01.babe.gov.vn", "db01.babe.gov.vn", "mail01.babe.gov.vn", "backup01.babe.gov.vn"]


@pytest.fixture
def monitored(root_admin, district, event_store):
    return services.create_system(root_admin, system_data(district, addresses="\n".join(HOSTS)))


def _alerts(stream) -> dict[str, list[rules.Alert]]:
    store.ingest_lines(stream.lines, "auto", 2024)
    found: dict[str, list[rules.Alert]] = {}
    for alert in rules.evaluate(rules.load_rules().rules, DAY):
        found.setdefault(alert.rule.title.split(" / ")[1], []).append(alert)
    return found


def test_every_starter_rule_fires_on_its_planted_attack(monitored, district):
    stream = generator.generate(HOSTS, DAY, 3000, seed=11, silent_host=HOSTS[3])
    found = _alerts(stream)
    planted = {p.kind: p for p in stream.planted}
    brute = found["SSH brute force"]
    assert [(a.host, a.source_ip, a.count) for a in brute] == [(HOSTS[0], planted["brute_force"].source_ip, 40)]
    web = found["Web application attack"]
    assert [(a.host, a.source_ip) for a in web] == [(HOSTS[1], planted["web_attack"].source_ip)]
    assert web[0].count == 5 and web[0].owner_id == district.pk
    assert [a.host for a in found["Malware detected"]] == [HOSTS[2]]
    assert [a.host for a in found["Host went silent"]] == [HOSTS[3]]


def test_no_starter_rule_fires_on_benign_traffic(monitored):
    found = _alerts(generator.generate(HOSTS, DAY, 3000, seed=11, plant=False))
    assert found == {}


def test_the_bundled_rules_all_load():
    ruleset = rules.load_rules()
    assert ruleset.refused == []
    assert {r.kind for r in ruleset.rules} == {"sigma", "correlation", "silence"}


def test_sigma_values_become_escaped_case_insensitive_sql():
    text = """
title: t
id: 6b0c0f52-0000-4000-8000-00000000abcd
logsource: {product: linux}
detection:
  sel:
    url|contains: "50%_off"
    user: "O'Brien"
    http_status|gte: 500
  kw:
    - "union select"
  condition: sel and not kw
"""
    [rule] = rules.load_rules(texts=[("t.yml", text)]).rules
    assert "url ILIKE '%50\\%\\_off%' ESCAPE" in rule.where
    assert "user ILIKE 'O''Brien'" in rule.where and "http_status >= 500" in rule.where
    assert "NOT coalesce(message ILIKE '%union select%'" in rule.where


def test_unknown_fields_and_modifiers_are_refused_with_the_reason():
    text = """
title: bad
id: 6b0c0f52-0000-4000-8000-00000000abce
logsource: {product: linux}
detection:
  sel:
    CommandLine|contains: whoami
  condition: sel
"""
    ruleset = rules.load_rules(texts=[("bad.yml", text)])
    assert ruleset.rules == [] and "unknown field 'CommandLine'" in ruleset.refused[0][1]
