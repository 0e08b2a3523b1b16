"""Security event parsers: syslog (RFC 5424 and the older BSD format, RFC 3164), Wazuh `alerts.json`
lines and Suricata `eve.json` lines, each turned into one flat record of the event store's columns.

A line that cannot be read returns None and is counted as malformed by the caller; nothing here raises
on bad input. Parsing is plain `re` and `json` with caches for the repeated parts (timestamps, hosts),
which keeps a process above 100.000 syslog lines per second (see bench/bench_security_ingest.py).
"""

import datetime as dt
import json
import re

LOCAL = dt.timezone(dt.timedelta(hours=7))  # Vietnam keeps UTC+7 all year; BSD syslog carries no zone
MONTHS = {m: i for i, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                                      "Dec"), start=1)}
FORMATS = ("syslog", "wazuh", "suricata")

# The store's columns, in order. ts is microseconds since the epoch (UTC).
COLUMNS = ("ts", "host", "program", "format", "category", "severity", "source_ip", "dest_ip", "user", "url",
           "http_method", "http_status", "signature", "rule_id", "message")

RFC3164 = re.compile(
    r"(?:<(\d{1,3})>)?([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d\d):(\d\d):(\d\d) (\S+) ([^:\[\s]+)(?:\[\d+\])?: ?(.*)", re.S)
RFC5424 = re.compile(r"<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+) ")
SSH_FAILED = re.compile(r"Failed \S+ for (?:invalid user )?(\S+) from (\S+)")
SSH_INVALID = re.compile(r"Invalid user (\S*) from (\S+)")
SSH_ACCEPTED = re.compile(r"Accepted \S+ for (\S+) from (\S+)")
ACCESS_LOG = re.compile(r'(\S+) \S+ (\S+) \[[^\]]*\] "([A-Z]{3,8}) (\S+)[^"]*" (\d{3})')


class _Clock:
    """Caches the conversion of repeated timestamp texts (logs repeat the same second many times)."""

    def __init__(self, year: int | None = None) -> None:
        self.year = year or dt.date.today().year
        self.cache: dict = {}

    def bsd(self, month: str, day: str, hh: str, mm: str, ss: str) -> int | None:
        key = (month, day)
        base = self.cache.get(key)
        if base is None:
            number = MONTHS.get(month)
            if number is None:
                return None
            try:
                base = int(dt.datetime(self.year, number, int(day), tzinfo=LOCAL).timestamp())
            except ValueError:
                return None
            self.cache[key] = base
        seconds = int(hh) * 3600 + int(mm) * 60 + int(ss)
        if seconds >= 86_400 or int(mm) > 59 or int(ss) > 60:
            return None
        return (base + seconds) * 1_000_000

    def iso(self, text: str) -> int | None:
        """RFC 3339 / ISO 8601 with an offset (also Wazuh's +0700 without a colon) → µs since the epoch."""
        head = text[:19]
        base = self.cache.get(head)
        rest = text[19:]
        fraction = 0
        if rest.startswith("."):
            digits = 0
            while digits + 1 < len(rest) and rest[digits + 1].isdigit():
                digits += 1
            fraction = int((rest[1:1 + digits] + "000000")[:6]) if digits else 0
            rest = rest[1 + digits:]
        zone = self.cache.get(rest)
        if zone is None:
            try:
                if rest in ("Z", "z", ""):
                    zone = 0
                else:
                    sign = -1 if rest[0] == "-" else 1
                    hours, minutes = (rest[1:3], rest[4:6]) if ":" in rest else (rest[1:3], rest[3:5])
                    zone = sign * (int(hours) * 3600 + int(minutes) * 60)
            except (ValueError, IndexError):
                return None
            self.cache[rest] = zone
        if base is None:
            try:
                naive = dt.datetime.fromisoformat(head)
            except ValueError:
                return None
            base = self.cache[head] = int(naive.replace(tzinfo=dt.UTC).timestamp()) * 1_000_000
        return base - zone * 1_000_000 + fraction


def _empty() -> dict:
    return dict.fromkeys(COLUMNS)


def _classify_message(record: dict, message: str) -> None:
    """What a syslog message says, for the messages the starter rules look at (sshd, web access logs)."""
    if "Failed " in message:
        match = SSH_FAILED.search(message)
        if match:
            record["category"], record["user"], record["source_ip"] = "auth_failure", match[1], match[2]
            return
    if "Invalid user" in message:
        match = SSH_INVALID.search(message)
        if match:
            record["category"], record["user"], record["source_ip"] = "auth_failure", match[1] or None, match[2]
            return
    if "Accepted " in message:
        match = SSH_ACCEPTED.search(message)
        if match:
            record["category"], record["user"], record["source_ip"] = "auth_success", match[1], match[2]
            return
    if '" ' in message and "[" in message:
        match = ACCESS_LOG.match(message)
        if match:
            record["category"], record["source_ip"] = "web_request", match[1]
            record["user"] = None if match[2] == "-" else match[2]
            record["http_method"], record["url"], record["http_status"] = match[3], match[4], int(match[5])
            return
    record["category"] = "system"


def _after_structured_data(line: str, start: int) -> str | None:
    """The MSG part after RFC 5424 STRUCTURED-DATA: "-" or [id param="value" ...] elements, where values
    may hold escaped quotes and brackets."""
    if line.startswith("-", start):
        return line[start + 2:] if len(line) > start + 1 else ""
    position, quoted = start, False
    while position < len(line) and line[position] == "[":
        position += 1
        while position < len(line):
            char = line[position]
            if char == "\\":
                position += 2
                continue
            if char == '"':
                quoted = not quoted
            elif char == "]" and not quoted:
                break
            position += 1
        else:
            return None  # an element that never closes
        position += 1
    if position == start:
        return None
    return line[position + 1:] if line.startswith(" ", position) else line[position:]


def parse_syslog(line: str, clock: _Clock) -> dict | None:
    if line.startswith("<") and ">1 " in line[:6]:
        match = RFC5424.match(line)
        if not match:
            return None
        pri, stamp, host, app, _procid, _msgid = match.groups()
        message = _after_structured_data(line, match.end())
        if message is None:
            return None
        ts = clock.iso(stamp) if stamp != "-" else None
        if ts is None or int(pri) > 191:
            return None
        record = _empty()
        record.update(ts=ts, host=None if host == "-" else host.lower(), program=None if app == "-" else app,
                      format="syslog", severity=int(pri) & 7, message=message.lstrip("\ufeff"))
    else:
        match = RFC3164.match(line)
        if not match:
            return None
        pri, month, day, hh, mm, ss, host, program, message = match.groups()
        ts = clock.bsd(month, day, hh, mm, ss)
        if ts is None or (pri and int(pri) > 191):
            return None
        record = _empty()
        record.update(ts=ts, host=host.lower(), program=program, format="syslog",
                      severity=int(pri) & 7 if pri else None, message=message)
    _classify_message(record, record["message"])
    return record


WAZUH_MALWARE = {"malware", "virus", "virustotal", "clamd", "rootcheck", "yara"}
WAZUH_AUTH_FAILED = {"authentication_failed", "authentication_failures", "invalid_login", "win_authentication_failed"}
WAZUH_WEB = {"web", "attack", "sql_injection", "web_scan", "accesslog"}


def parse_wazuh(line: str, clock: _Clock) -> dict | None:
    try:
        alert = json.loads(line)
        rule = alert.get("rule") or {}
        agent = alert.get("agent") or {}
        data = alert.get("data") or {}
        ts = clock.iso(str(alert["timestamp"]))
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    if ts is None or not isinstance(rule, dict):
        return None
    groups = {str(g).lower() for g in rule.get("groups") or []}
    category = ("malware" if groups & WAZUH_MALWARE else "auth_failure" if groups & WAZUH_AUTH_FAILED
                else "web_attack" if groups & WAZUH_WEB else "alert")
    record = _empty()
    record.update(
        ts=ts, host=str(agent.get("name") or "").lower() or None, program=alert.get("decoder", {}).get("name")
        if isinstance(alert.get("decoder"), dict) else None, format="wazuh", category=category,
        severity=_int(rule.get("level")), source_ip=_text(data.get("srcip")), dest_ip=_text(agent.get("ip")),
        user=_text(data.get("srcuser") or data.get("dstuser")), url=_text(data.get("url")),
        signature=_text(rule.get("description")), rule_id=_text(rule.get("id")),
        message=_text(alert.get("full_log")) or _text(rule.get("description")))
    return record


SURICATA_SEVERITY = {1: 12, 2: 8, 3: 4}  # Suricata 1 = highest; spread on Wazuh's 0–15 scale


def parse_suricata(line: str, clock: _Clock) -> dict | None:
    try:
        event = json.loads(line)
        kind = event["event_type"]
        ts = clock.iso(str(event["timestamp"]))
    except (ValueError, KeyError, TypeError):
        return None
    if ts is None or not isinstance(event, dict):
        return None
    http = event.get("http") if isinstance(event.get("http"), dict) else {}
    alert = event.get("alert") if isinstance(event.get("alert"), dict) else {}
    if kind == "alert":
        text = str(alert.get("category") or "")
        category = "web_attack" if "Web Application" in text else "malware" if (
            "Trojan" in text or "Malware" in text or "malware" in text) else "ids_alert"
    else:
        category = "web_request" if kind == "http" else kind
    record = _empty()
    record.update(
        ts=ts, host=_text(http.get("hostname")) or _text(event.get("dest_ip")), program="suricata",
        format="suricata", category=category, severity=SURICATA_SEVERITY.get(_int(alert.get("severity"))),
        source_ip=_text(event.get("src_ip")), dest_ip=_text(event.get("dest_ip")), url=_text(http.get("url")),
        http_method=_text(http.get("http_method")), http_status=_int(http.get("status")),
        signature=_text(alert.get("signature")), rule_id=_text(alert.get("signature_id")),
        message=_text(alert.get("signature")) or kind)
    if record["host"]:
        record["host"] = record["host"].lower()
    return record


def _text(value) -> str | None:
    if value is None or value == "":
        return None
    return str(value)[:4000]


def _int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if -32768 <= number <= 32767 else None


PARSERS = {"syslog": parse_syslog, "wazuh": parse_wazuh, "suricata": parse_suricata}


def sniff(line: str) -> str:
    """The format of a line: JSON with `rule` and `agent` is Wazuh, with `event_type` Suricata, else syslog."""
    if line.startswith("{"):
        head = line[:4000]
        if '"event_type"' in head:
            return "suricata"
        return "wazuh"
    return "syslog"
