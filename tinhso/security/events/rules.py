"""Detection rules as data: Sigma rules (YAML, parsed with pySigma) evaluated over the event store in
DuckDB, plus tinhso's own "silent host" rule kind (Sigma cannot express the absence of events).

No pySigma backend targets DuckDB over our columns well (pysigma-backend-duckdb is young and aimed at raw
JSON logs), so the detection logic pySigma parses is converted to SQL here, by walking the condition tree
pySigma builds (AND / OR / NOT over field = value items, with its wildcards and modifiers applied):

- a string value becomes `ILIKE` (Sigma matching is case-insensitive; `*` → `%`, `?` → `_`, both escaped
  otherwise), a regular expression `regexp_matches`, a number or comparison modifier (`gt`, `gte`, …)
  a comparison, `null` an `IS NULL`; a keyword without a field searches the message;
- field names are the store's columns, with common Sigma names mapped to them (`src_ip` → `source_ip`,
  `c-uri` → `url`, `Computer` → `host`, …); a rule naming an unknown field, or using an unsupported
  modifier (`cidr`, `base64`, …), is refused when the rules are loaded, with the reason;
- a correlation rule of type `event_count` groups its base rule's matches by its `group-by` fields in
  tumbling windows of its `timespan` (windows start at multiples of the timespan: a burst split across a
  window edge can be missed if neither half reaches the threshold — documented) and keeps the groups whose
  count meets the condition.
Every other rule raises one alert per (host, source address) for the evaluated period.
"""

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from sigma import conditions as sc
from sigma import types as st
from sigma.collection import SigmaCollection
from sigma.correlations import SigmaCorrelationConditionOperator, SigmaCorrelationRule, SigmaCorrelationType
from sigma.exceptions import SigmaError
from sigma.rule import SigmaRule

from tinhso.security.events import store

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"
COLUMNS = {"ts", "host", "program", "format", "category", "severity", "source_ip", "dest_ip", "user", "url",
           "http_method", "http_status", "signature", "rule_id", "message", "system_id", "owner_id"}
FIELD_MAP = {
    "src_ip": "source_ip", "srcip": "source_ip", "sourceip": "source_ip", "c-ip": "source_ip",
    "dst_ip": "dest_ip", "dstip": "dest_ip", "destinationip": "dest_ip",
    "hostname": "host", "computer": "host", "computername": "host", "dvc_host": "host",
    "c-uri": "url", "cs-uri": "url", "cs-uri-query": "url", "c-uri-query": "url", "uri": "url", "request": "url",
    "cs-method": "http_method", "method": "http_method", "sc-status": "http_status", "status": "http_status",
    "username": "user", "targetusername": "user", "srcuser": "user",
    "application": "program", "process": "program", "app": "program",
    "level": "severity", "msg": "message", "full_log": "message", "alert.signature": "signature",
}
LEVELS = ("informational", "low", "medium", "high", "critical")


class RuleError(Exception):
    """A rule this engine cannot evaluate (the reason is the message)."""


@dataclass
class Rule:
    id: str
    title: str
    level: str
    kind: str  # "sigma", "correlation" or "silence"
    where: str = ""
    group_by: list[str] = field(default_factory=list)
    timespan_s: int = 0
    threshold: tuple[str, int] | None = None
    params: dict = field(default_factory=dict)
    source: str = ""


@dataclass
class Alert:
    rule: Rule
    host: str | None
    source_ip: str | None
    first_seen: dt.datetime
    last_seen: dt.datetime
    count: int
    system_id: int | None
    owner_id: int | None
    sample: str
    window: str = ""

    @property
    def key(self) -> str:
        return "|".join([self.rule.id, self.host or "-", self.source_ip or "-", self.window])


# ---------------------------------------------------------------- Sigma → SQL

def _column(name: str | None) -> str:
    if name is None:
        return "message"
    column = FIELD_MAP.get(name.lower(), name.lower())
    if column not in COLUMNS:
        raise RuleError(f"unknown field '{name}'")
    return column


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _like(value: st.SigmaString) -> str:
    parts = []
    for part in value.s:
        if part == st.SpecialChars.WILDCARD_MULTI:
            parts.append("%")
        elif part == st.SpecialChars.WILDCARD_SINGLE:
            parts.append("_")
        else:
            parts.append(part.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_"))
    return _quote("".join(parts))


def _value_sql(column: str, value) -> str:
    if isinstance(value, st.SigmaString):
        return f"{column} ILIKE {_like(value)} ESCAPE '\\'"
    if isinstance(value, st.SigmaRegularExpression):
        return f"regexp_matches({column}, {_quote(value.regexp)})"
    if isinstance(value, st.SigmaNull):
        return f"{column} IS NULL"
    if isinstance(value, st.SigmaBool):
        return f"{column} = {'true' if value.boolean else 'false'}"
    if isinstance(value, st.SigmaNumber):
        return f"{column} = {value.number}"
    if isinstance(value, st.SigmaCompareExpression):
        operators = {st.SigmaCompareExpression.CompareOperators.LT: "<",
                     st.SigmaCompareExpression.CompareOperators.LTE: "<=",
                     st.SigmaCompareExpression.CompareOperators.GT: ">",
                     st.SigmaCompareExpression.CompareOperators.GTE: ">="}
        return f"{column} {operators[value.op]} {value.number.number}"
    raise RuleError(f"unsupported value type {type(value).__name__} (modifier not supported here)")


def condition_sql(node) -> str:
    """The SQL boolean expression of a pySigma condition tree."""
    if isinstance(node, sc.ConditionAND):
        return "(" + " AND ".join(condition_sql(a) for a in node.args) + ")"
    if isinstance(node, sc.ConditionOR):
        return "(" + " OR ".join(condition_sql(a) for a in node.args) + ")"
    if isinstance(node, sc.ConditionNOT):
        return "(NOT coalesce(" + condition_sql(node.args[0]) + ", false))"
    if isinstance(node, sc.ConditionFieldEqualsValueExpression):
        return _value_sql(_column(node.field), node.value)
    if isinstance(node, sc.ConditionValueExpression):  # a keyword: anywhere in the message
        value = node.value
        if isinstance(value, st.SigmaString):
            value = st.SigmaString("*") + value + st.SigmaString("*")
        return _value_sql("message", value)
    raise RuleError(f"unsupported condition {type(node).__name__}")


def _sigma_where(rule: SigmaRule) -> str:
    parts = [condition_sql(c.parsed) for c in rule.detection.parsed_condition]
    return " OR ".join(f"({p})" for p in parts)


def _level(rule) -> str:
    return rule.level.name.lower() if getattr(rule, "level", None) else "medium"


# ---------------------------------------------------------------- loading

@dataclass
class RuleSet:
    rules: list[Rule]
    refused: list[tuple[str, str]]  # (file or rule, reason)


def load_rules(folder: Path | None = None, texts: list[tuple[str, str]] | None = None) -> RuleSet:
    """Rules from the YAML files of `folder` (or (name, text) pairs). Sigma files go through pySigma;
    files with `tinhso_rule:` are tinhso's own kinds. A rule that cannot be converted is refused with
    its reason, the others load."""
    sources = texts if texts is not None else [(p.name, p.read_text(encoding="utf-8"))
                                               for p in sorted((folder or RULES_DIR).glob("*.yml"))]
    rules, refused, sigma_docs = [], [], []
    for name, text in sources:
        try:
            documents = [d for d in yaml.safe_load_all(text) if d]
        except yaml.YAMLError as exc:
            refused.append((name, f"YAML: {exc}"))
            continue
        for document in documents:
            if isinstance(document, dict) and document.get("tinhso_rule") == "silence":
                rules.append(Rule(str(document["id"]), str(document["title"]), str(document.get("level", "medium")),
                                  "silence", params={"hours": float(document.get("hours", 6)),
                                                     "lookback_days": int(document.get("lookback_days", 1))},
                                  source=name))
            elif isinstance(document, dict):
                sigma_docs.append((name, yaml.safe_dump(document, allow_unicode=True)))
            else:
                refused.append((name, "not a rule"))
    collection_text = "\n---\n".join(text for _, text in sigma_docs)
    if not collection_text:
        return RuleSet(rules, refused)
    try:
        collection = SigmaCollection.from_yaml(collection_text, collect_errors=True)
        collection.resolve_rule_references()
    except SigmaError as exc:
        return RuleSet(rules, refused + [("sigma", str(exc))])
    # Sigma 2: the rules a correlation counts raise no alerts of their own unless it says `generate: true`
    silent_bases = {id(ref.rule) for rule in collection.rules if isinstance(rule, SigmaCorrelationRule)
                    and not getattr(rule, "generate", False) for ref in rule.rules}
    for sigma_rule in collection.rules:
        label = str(getattr(sigma_rule, "title", "?"))
        if id(sigma_rule) in silent_bases:
            continue
        if getattr(sigma_rule, "errors", None):
            refused.append((label, "; ".join(str(e) for e in sigma_rule.errors)))
            continue
        try:
            rules.append(_convert(sigma_rule))
        except (RuleError, SigmaError) as exc:
            refused.append((label, str(exc)))
    return RuleSet(rules, refused)


def _convert(rule) -> Rule:
    if isinstance(rule, SigmaCorrelationRule):
        if rule.type != SigmaCorrelationType.EVENT_COUNT:
            raise RuleError(f"correlation type {rule.type.name} not supported (event_count is)")
        if len(rule.rules) != 1:
            raise RuleError("an event_count correlation must name one rule")
        base = rule.rules[0].rule
        operator = {SigmaCorrelationConditionOperator.GTE: ">=", SigmaCorrelationConditionOperator.GT: ">",
                    SigmaCorrelationConditionOperator.LTE: "<=", SigmaCorrelationConditionOperator.LT: "<",
                    SigmaCorrelationConditionOperator.EQ: "="}[rule.condition.op]
        return Rule(str(rule.id), rule.title, _level(rule), "correlation", where=_sigma_where(base),
                    group_by=[_column(f) for f in rule.group_by or []], timespan_s=int(rule.timespan.seconds),
                    threshold=(operator, int(rule.condition.count)))
    return Rule(str(rule.id), rule.title, _level(rule), "sigma", where=_sigma_where(rule))


# ---------------------------------------------------------------- evaluation

def _ts(value) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def evaluate(rules: list[Rule], start: dt.date, end: dt.date | None = None, now: dt.datetime | None = None,
             memory_limit: str = "3GB") -> list[Alert]:
    """Run every rule over the events of the local days start..end (one DuckDB connection; the day files
    are read once into a view)."""
    end = end or start
    files = store.day_files(start, end)
    con = store.connect(memory_limit)
    alerts: list[Alert] = []
    try:
        con.execute(f"CREATE TEMP VIEW events AS SELECT * FROM {store.relation_sql(files)}")
        for rule in rules:
            if rule.kind == "silence":
                alerts += _silence(con, rule, start, end, now)
            elif rule.kind == "correlation":
                alerts += _correlation(con, rule)
            else:
                alerts += _simple(con, rule, start, end)
    finally:
        con.close()
    return alerts


def _simple(con, rule: Rule, start: dt.date, end: dt.date) -> list[Alert]:
    rows = con.execute(f"""
        SELECT host, source_ip, min(ts), max(ts), count(*), any_value(system_id), any_value(owner_id),
               arg_min(message, ts)
        FROM events WHERE {rule.where}
        GROUP BY host, source_ip ORDER BY min(ts)""").fetchall()
    window = f"{start.isoformat()}/{end.isoformat()}"
    return [Alert(rule, r[0], r[1], _ts(r[2]), _ts(r[3]), r[4], r[5], r[6], r[7] or "", window) for r in rows]


def _correlation(con, rule: Rule) -> list[Alert]:
    groups = rule.group_by or ["host"]
    keys = ", ".join(groups)
    operator, count = rule.threshold
    span = int(rule.timespan_s)
    rows = con.execute(f"""
        SELECT {keys}, (epoch(ts)::BIGINT // {span}) AS bucket, min(ts), max(ts), count(*),
               any_value(system_id), any_value(owner_id), arg_min(message, ts), any_value(host),
               any_value(source_ip)
        FROM events WHERE {rule.where}
        GROUP BY {keys}, bucket HAVING count(*) {operator} {count} ORDER BY min(ts)""").fetchall()
    alerts = []
    n = len(groups)
    for row in rows:
        bucket, first, last, total, system, owner, sample, host, source = row[n:n + 9]
        alerts.append(Alert(rule, host, source, _ts(first), _ts(last), total, system, owner, sample or "",
                            f"{span}s:{bucket}"))
    return alerts


def _silence(con, rule: Rule, start: dt.date, end: dt.date, now: dt.datetime | None) -> list[Alert]:
    """Hosts attributed to a system that sent events during the lookback and nothing for `hours` up to the
    end of the evaluated period (or now, if earlier)."""
    local = dt.timezone(dt.timedelta(hours=7))
    period_end = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), local)
    if now is not None and now < period_end:
        period_end = now
    lookback_start = dt.datetime.combine(start - dt.timedelta(days=rule.params["lookback_days"]), dt.time(0), local)
    files = store.day_files(start - dt.timedelta(days=rule.params["lookback_days"]), end)
    cutoff = period_end - dt.timedelta(hours=rule.params["hours"])
    rows = con.execute(f"""
        SELECT host, max(ts), count(*), any_value(system_id), any_value(owner_id)
        FROM {store.relation_sql(files)}
        WHERE system_id IS NOT NULL AND host IS NOT NULL AND ts >= ? AND ts < ?
        GROUP BY host HAVING max(ts) < ? ORDER BY host""", [lookback_start, period_end, cutoff]).fetchall()
    return [Alert(rule, r[0], None, _ts(r[1]), _ts(r[1]), 0, r[3], r[4],
                  f"Không có sự kiện từ {(_ts(r[1]).astimezone(local)):%H:%M %d/%m/%Y} / silent since then",
                  f"silent:{end.isoformat()}") for r in rows]
