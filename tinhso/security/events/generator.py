"""Realistic security event streams with planted attacks, for the demo, the tests and the benchmarks.

Background traffic: cron and service messages, successful SSH logins, web access-log lines (nginx),
Suricata HTTP events and low-level Wazuh alerts from the given hosts. Planted on top:
- a **brute-force** attack: dozens of failed SSH logins from one outside address within minutes;
- a **web attack**: SQL injection and path traversal in access-log URLs and a Suricata web-attack alert;
- a **malware** alert from Wazuh (ClamAV);
- a **silent host**: one host stops sending anything after a given hour.
The truth (which attack, which host, when) is returned beside the lines, so tests and benchmarks check
what the rules find.
"""

import datetime as dt
import json
import random
from dataclasses import dataclass, field

from tinhso.security.events.parsers import LOCAL

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
PAGES = ("/", "/tin-tuc", "/thu-tuc-hanh-chinh", "/dich-vu-cong/nop-ho-so", "/tra-cuu-ho-so?ma=H38.22-240502-0001",
         "/static/app.js", "/static/logo.png", "/lien-he", "/van-ban?page=2")
ATTACK_URLS = ("/tra-cuu-ho-so?ma=1'%20OR%20'1'='1",
               "/index.php?id=1%20UNION%20SELECT%20username,password%20FROM%20users",
               "/../../../../etc/passwd", "/search?q=<script>alert(1)</script>")
USERS = ("quantri", "vanhanh", "ops", "backup")


@dataclass
class Planted:
    kind: str
    host: str
    source_ip: str | None
    start: dt.datetime
    count: int


@dataclass
class Stream:
    lines: list[str] = field(default_factory=list)
    planted: list[Planted] = field(default_factory=list)


def _bsd(moment: dt.datetime, host: str, program: str, message: str, pri: int = 38) -> str:
    stamp = f"{MONTHS[moment.month - 1]} {moment.day:2d} {moment:%H:%M:%S}"
    return f"<{pri}>{stamp} {host} {program}[{1000 + moment.second}]: {message}"


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="milliseconds")


def _access(source: str, moment: dt.datetime, url: str, status: int) -> str:
    return f'{source} - - [{moment:%d/%b/%Y:%H:%M:%S} +0700] "GET {url} HTTP/1.1" {status} {512 + len(url)}'


def _outside_ip(rng: random.Random) -> str:
    return f"203.0.113.{rng.randint(1, 254)}" if rng.random() < 0.5 else f"198.51.100.{rng.randint(1, 254)}"


def generate(hosts: list[str], day: dt.date, events: int = 10_000, seed: int = 7, silent_host: str | None = None,
             silent_after_hour: int = 12, plant: bool = True) -> Stream:
    """`events` background lines spread over the local day across `hosts`, plus the planted attacks."""
    rng = random.Random(seed)
    start = dt.datetime.combine(day, dt.time(0, 0), LOCAL)
    stream = Stream()
    step = 86_400 / max(1, events)
    for index in range(events):
        moment = start + dt.timedelta(seconds=int(index * step))
        host = hosts[index % len(hosts)]
        if host == silent_host and moment.hour >= silent_after_hour:
            host = hosts[(index + 1) % len(hosts)] if len(hosts) > 1 else host
        roll = rng.random()
        if roll < 0.45:
            url = rng.choice(PAGES)
            stream.lines.append(_bsd(moment, host, "nginx", _access(f"10.{rng.randint(0, 40)}.{rng.randint(0, 255)}."
                                                                     f"{rng.randint(1, 254)}", moment, url, 200)))
        elif roll < 0.65:
            stream.lines.append(_bsd(moment, host, "CRON", f"(root) CMD (run-parts /etc/cron.hourly) #{index % 97}"))
        elif roll < 0.72:
            stream.lines.append(_bsd(moment, host, "sshd", f"Accepted publickey for {rng.choice(USERS)} from "
                                                           f"10.0.{rng.randint(0, 9)}.{rng.randint(2, 250)} port "
                                                           f"{rng.randint(30000, 60000)} ssh2"))
        elif roll < 0.74:
            # an occasional mistyped password: benign, far below the brute-force threshold
            stream.lines.append(_bsd(moment, host, "sshd", f"Failed password for {rng.choice(USERS)} from "
                                                           f"10.0.{rng.randint(0, 9)}.{rng.randint(2, 250)} port "
                                                           f"{rng.randint(30000, 60000)} ssh2", pri=37))
        elif roll < 0.80:
            stream.lines.append(f"<30>1 {_iso(moment)} {host} systemd - - - Started Session {index} of user ops.")
        elif roll < 0.92:
            stream.lines.append(json.dumps({
                "timestamp": moment.isoformat(timespec="microseconds"), "event_type": "http",
                "src_ip": f"10.{rng.randint(0, 40)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
                "dest_ip": "10.0.0.10",
                "http": {"hostname": host, "url": rng.choice(PAGES), "http_method": "GET", "status": 200}}))
        else:
            stream.lines.append(json.dumps({
                "timestamp": moment.strftime("%Y-%m-%dT%H:%M:%S.000%z"),
                "rule": {"level": 3, "description": "Login session opened.", "id": "5501",
                         "groups": ["pam", "syslog", "authentication_success"]},
                "agent": {"id": "001", "name": host}, "full_log": "pam_unix(sshd:session): session opened"}))
    if plant and hosts:
        _plant(stream, rng, hosts, start)
    if silent_host:
        stream.planted.append(Planted("silent_host", silent_host, None,
                                      start + dt.timedelta(hours=silent_after_hour), 0))
    return stream


def _plant(stream: Stream, rng: random.Random, hosts: list[str], start: dt.datetime) -> None:
    target = hosts[0]
    attacker = _outside_ip(rng)
    begin = start + dt.timedelta(hours=2, minutes=13)
    for i in range(40):  # 40 failures in 80 s
        moment = begin + dt.timedelta(seconds=2 * i)
        user = rng.choice(("root", "admin", "oracle", "test", "ubuntu"))
        stream.lines.append(_bsd(moment, target, "sshd", f"Failed password for invalid user {user} from {attacker} "
                                                         f"port {rng.randint(30000, 60000)} ssh2", pri=37))
    stream.planted.append(Planted("brute_force", target, attacker, begin, 40))

    web = hosts[1 % len(hosts)]
    scanner = _outside_ip(rng)
    begin = start + dt.timedelta(hours=9, minutes=41)
    for i, url in enumerate(ATTACK_URLS):
        moment = begin + dt.timedelta(seconds=5 * i)
        stream.lines.append(_bsd(moment, web, "nginx", _access(scanner, moment, url, 404 if i % 2 else 200)))
    stream.lines.append(json.dumps({
        "timestamp": (begin + dt.timedelta(seconds=30)).isoformat(timespec="microseconds"), "event_type": "alert",
        "src_ip": scanner, "dest_ip": "10.0.0.10",
        "alert": {"signature_id": 2006446, "signature": "ET WEB_SERVER Possible SQL Injection Attempt UNION SELECT",
                  "category": "Web Application Attack", "severity": 1},
        "http": {"hostname": web, "url": ATTACK_URLS[1], "http_method": "GET", "status": 200}}))
    stream.planted.append(Planted("web_attack", web, scanner, begin, len(ATTACK_URLS) + 1))

    infected = hosts[2 % len(hosts)]
    moment = start + dt.timedelta(hours=14, minutes=5)
    stream.lines.append(json.dumps({
        "timestamp": moment.strftime("%Y-%m-%dT%H:%M:%S.000%z"),
        "rule": {"level": 12, "description": "ClamAV: Virus detected", "id": "52502",
                 "groups": ["clamd", "freshclam", "virus"]},
        "agent": {"id": "003", "name": infected}, "data": {"virus": "Win.Trojan.Agent-1234"},
        "full_log": "clamd[812]: /home/ops/Downloads/hoadon.exe: Win.Trojan.Agent-1234 FOUND"}))
    stream.planted.append(Planted("malware", infected, None, moment, 1))


def syslog_lines(hosts: list[str], day: dt.date, count: int, seed: int = 3) -> list[str]:
    """Plain BSD syslog lines only (the ingest benchmark's file): sshd, nginx access and cron messages."""
    rng = random.Random(seed)
    start = dt.datetime.combine(day, dt.time(0, 0), LOCAL)
    step = 86_400 / max(1, count)
    lines = []
    for index in range(count):
        moment = start + dt.timedelta(seconds=int(index * step))
        host = hosts[index % len(hosts)]
        kind = index % 10
        if kind < 5:
            client = f"10.{index % 41}.{index % 256}.{1 + index % 254}"
            message = _access(client, moment, PAGES[index % len(PAGES)], 200)
            lines.append(_bsd(moment, host, "nginx", message))
        elif kind < 7:
            lines.append(_bsd(moment, host, "CRON", f"(root) CMD (run-parts /etc/cron.hourly) #{index % 97}"))
        elif kind < 9:
            lines.append(_bsd(moment, host, "sshd", f"Accepted publickey for {USERS[index % 4]} from 10.0.{index % 10}."
                                                    f"{2 + index % 248} port {30000 + index % 30000} ssh2"))
        else:
            lines.append(_bsd(moment, host, "sshd", f"Failed password for invalid user u{index % 50} from "
                                                    f"{_outside_ip(rng)} port {30000 + index % 30000} ssh2", pri=37))
    return lines
