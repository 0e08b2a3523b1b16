"""The scoring engine: turns collected values into points, totals, ranks and advice.

Pure functions over plain data (no ORM), so a whole round — thousands of units, a hundred
components — is scored in memory in well under a second, and every rule is testable alone.

Scoring rules (`Component.rule`, a JSON object with a `type`):

- `linear`: `{"type": "linear", "min": a, "max": b}` — points = max points × (value − a)/(b − a),
  clamped to [0, 1]. With a > b the rule rewards lower values (e.g. overdue dossiers).
- `steps`: `{"type": "steps", "steps": [{"at_least": 4, "points": 20}, {"at_least": 2, "points": 10}]}`
  — the points of the highest threshold the value reaches, else 0.
- `yes_no`: full points when the value is 1 (yes), else 0.
- `relative`: `{"type": "relative"}` — ranked relative to peers: the best value among the units
  of the same peer group gets full points, the others value/best of it. `"lower_is_better": true`
  reverses it (best/value).
- `capped_sum`: `{"type": "capped_sum", "per_item": 2}` — value counts items, each worth
  `per_item` points, the sum capped at the maximum.
- `manual`: the value is the points themselves (manual score with justification), clamped to
  [0, max points].
"""

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

RULE_TYPES = ("linear", "steps", "yes_no", "relative", "capped_sum", "manual")
GAP_ADVICE = 5


@dataclass(frozen=True)
class ComponentSpec:
    code: str
    main: str
    max_points: float
    rule: dict
    pillars: tuple[str, ...] = ()  # every pillar the points count towards (a foundation indicator: all)
    group: str = ""


@dataclass
class UnitScore:
    unit_id: int
    peer_group: str
    points: float = 0.0
    components: dict[str, float] = field(default_factory=dict)
    by_main: dict[str, float] = field(default_factory=dict)
    by_pillar: dict[str, float] = field(default_factory=dict)
    by_group: dict[str, float] = field(default_factory=dict)
    rank: int = 0
    peers: int = 0
    pillar_ranks: dict[str, int] = field(default_factory=dict)
    pillar_values: dict[str, float] = field(default_factory=dict)
    gaps: list[tuple[str, float]] = field(default_factory=list)


def _num(rule: dict, key: str) -> float | None:
    value = rule.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def validate_rule(rule: object, max_points: float) -> list[tuple[str, str]]:
    """What is wrong with a rule, as (vi, en) messages; empty when it is usable."""
    if not isinstance(rule, dict):
        return [("quy tắc chấm điểm phải là một đối tượng JSON", "the scoring rule must be a JSON object")]
    kind = rule.get("type")
    if kind not in RULE_TYPES:
        return [(f"loại quy tắc '{kind}' không hợp lệ; chọn một trong {', '.join(RULE_TYPES)}",
                 f"unknown rule type '{kind}'; use one of {', '.join(RULE_TYPES)}")]
    problems = []
    if kind == "linear":
        low, high = _num(rule, "min"), _num(rule, "max")
        if low is None or high is None:
            problems.append(("quy tắc tuyến tính cần 'min' và 'max' là số",
                             "a linear rule needs numeric 'min' and 'max'"))
        elif low == high:
            problems.append(("'min' và 'max' phải khác nhau", "'min' and 'max' must differ"))
    elif kind == "steps":
        steps = rule.get("steps")
        if not isinstance(steps, list) or not steps:
            problems.append(("quy tắc bậc thang cần danh sách 'steps'", "a steps rule needs a list of 'steps'"))
        else:
            for number, step in enumerate(steps, start=1):
                at_least = _num(step, "at_least") if isinstance(step, dict) else None
                points = _num(step, "points") if isinstance(step, dict) else None
                if at_least is None or points is None:
                    problems.append((f"bậc {number} cần 'at_least' và 'points' là số",
                                     f"step {number} needs numeric 'at_least' and 'points'"))
                elif points < 0 or points > max_points + 1e-9:
                    problems.append((f"bậc {number}: điểm {points:g} ngoài khoảng 0–{max_points:g}",
                                     f"step {number}: points {points:g} outside 0–{max_points:g}"))
    elif kind == "capped_sum":
        per_item = _num(rule, "per_item")
        if per_item is None or per_item <= 0:
            problems.append(("quy tắc cộng dồn cần 'per_item' > 0", "a capped-sum rule needs 'per_item' > 0"))
    return problems


def _scorer(rule: dict, max_points: float) -> Callable[[float, float | None], float]:
    """A function (value, best value among peers) → points."""
    kind = rule["type"]
    if kind == "linear":
        low, span = float(rule["min"]), float(rule["max"]) - float(rule["min"])

        def linear(value: float, best: float | None) -> float:
            fraction = (value - low) / span
            return max_points * (0.0 if fraction < 0 else 1.0 if fraction > 1 else fraction)
        return linear
    if kind == "steps":
        steps = sorted(((float(s["at_least"]), float(s["points"])) for s in rule["steps"]), reverse=True)

        def stepped(value: float, best: float | None) -> float:
            for threshold, points in steps:
                if value >= threshold:
                    return points
            return 0.0
        return stepped
    if kind == "yes_no":
        return lambda value, best: max_points if value >= 1 else 0.0
    if kind == "relative":
        if rule.get("lower_is_better"):
            def relative_low(value: float, best: float | None) -> float:
                if value <= 0:
                    return max_points
                return max_points * min(1.0, (best or 0.0) / value) if best is not None else 0.0
            return relative_low

        def relative(value: float, best: float | None) -> float:
            if not best or best <= 0 or value <= 0:
                return 0.0
            return max_points * min(1.0, value / best)
        return relative
    if kind == "capped_sum":
        per_item = float(rule["per_item"])
        return lambda value, best: min(max_points, max(0.0, value) * per_item)
    return lambda value, best: min(max_points, max(0.0, value))  # manual


def score_component(rule: dict, max_points: float, value: float | None, best: float | None = None) -> float:
    """Points of one value under one rule (None scores 0)."""
    if value is None:
        return 0.0
    return _scorer(rule, float(max_points))(float(value), best)


def competition_ranks(scores: dict[int, float], ndigits: int = 3) -> dict[int, int]:
    """Standard competition ranking: equal scores share a rank and the next rank skips (1, 2, 2, 4)."""
    ordered = sorted(scores.items(), key=lambda item: -round(item[1], ndigits))
    ranks: dict[int, int] = {}
    previous: float | None = None
    rank = 0
    for position, (unit_id, score) in enumerate(ordered, start=1):
        rounded = round(score, ndigits)
        if rounded != previous:
            rank = position
            previous = rounded
        ranks[unit_id] = rank
    return ranks


def largest_gaps(components: Iterable[ComponentSpec], points: dict[str, float],
                 limit: int = GAP_ADVICE) -> list[tuple[str, float]]:
    """Components with the largest gap between points possible and points got — what would raise
    the score most. Ties keep the framework's order."""
    gaps = [(c.code, c.max_points - points.get(c.code, 0.0)) for c in components if c.max_points > 0]
    gaps = [(code, round(gap, 3)) for code, gap in gaps if gap > 1e-9]
    gaps.sort(key=lambda item: -item[1])
    return gaps[:limit]


def _column(rule: dict, maximum: float, column: Sequence[float | None], bests: list[float | None]) -> list[float]:
    """Points of one component for every unit at once (the same arithmetic as `_scorer`, written as
    comprehensions so a whole province is scored without a Python call per cell)."""
    kind = rule["type"]
    if kind == "linear":
        low, span = float(rule["min"]), float(rule["max"]) - float(rule["min"])
        return [0.0 if v is None else maximum if (f := (v - low) / span) >= 1 else 0.0 if f <= 0 else maximum * f
                for v in column]
    if kind == "yes_no":
        return [maximum if v is not None and v >= 1 else 0.0 for v in column]
    if kind == "manual":
        return [0.0 if v is None else maximum if v > maximum else 0.0 if v < 0 else v for v in column]
    if kind == "capped_sum":
        per_item = float(rule["per_item"])
        return [0.0 if v is None or v <= 0 else min(maximum, v * per_item) for v in column]
    if kind == "steps":
        ladder = sorted((float(s["at_least"]), float(s["points"])) for s in rule["steps"])
        thresholds, points = [t for t, _ in ladder], [0.0] + [p for _, p in ladder]
        return [0.0 if v is None else points[bisect_right(thresholds, v)] for v in column]
    if kind == "relative" and not rule.get("lower_is_better"):
        return [0.0 if v is None or v <= 0 or not b or b <= 0 else maximum if v >= b else maximum * v / b
                for v, b in zip(column, bests, strict=True)]
    scorer = _scorer(rule, maximum)
    bests = bests or [None] * len(column)
    return [0.0 if v is None else scorer(v, best) for v, best in zip(column, bests, strict=True)]


def score_units(components: list[ComponentSpec], values: dict[int, dict[str, float | None]],
                peer_groups: dict[int, str], main_points: dict[int, dict[str, float]] | None = None,
                main_pillars: dict[str, tuple[str, ...]] | None = None) -> dict[int, UnitScore]:
    """Score every unit: component points, totals by main indicator, pillar (a component counts in
    every pillar it belongs to) and group, pillar values (points / the pillar's maximum), rank among the
    units of its peer group (overall and per pillar value), and the largest-gap advice.

    `main_points` {unit: {main code: points}} are main indicators whose points were given directly (the
    Ministry's published value × maximum): they replace the sum of that indicator's components, count in
    the main indicator's pillars (`main_pillars`) and its group, and its components give no advice."""
    main_points = main_points or {}
    main_pillars = main_pillars or {}
    unit_ids = list(values)
    groups = [peer_groups.get(u, "") for u in unit_ids]
    members: dict[str, list[int]] = defaultdict(list)
    for position, group in enumerate(groups):
        members[group].append(position)

    codes = [c.code for c in components]
    # transpose once, in C: one row of values per unit, then one column per component
    raw_columns = list(zip(*(list(map(values[u].get, codes)) for u in unit_ids), strict=True)) if unit_ids else []
    columns: list[list[float]] = []
    for index, component in enumerate(components):
        column = raw_columns[index] if raw_columns else []
        bests: list[float | None] = []
        if component.rule.get("type") == "relative":
            low = bool(component.rule.get("lower_is_better"))
            best_of: dict[str, float | None] = {}
            for group, positions in members.items():
                seen = [v for p in positions if (v := column[p]) is not None and (v > 0 or not low)]
                best_of[group] = (min(seen) if low else max(seen)) if seen else None
            bests = [best_of[g] for g in groups]
        columns.append(_column(component.rule, component.max_points, column, bests))

    # components of a main indicator given directly score nothing themselves (their values are unknown)
    of_main: dict[str, list[int]] = defaultdict(list)
    for index, component in enumerate(components):
        of_main[component.main].append(index)
    overridden: dict[int, set[int]] = {}
    for position, unit_id in enumerate(unit_ids):
        given = main_points.get(unit_id)
        if given:
            skipped = {i for code in given for i in of_main.get(code, ())}
            overridden[position] = skipped
            for i in skipped:
                columns[i][position] = 0.0

    def totals_by(keys_of: Callable[[ComponentSpec], Iterable[str]]) -> dict[str, list[float]]:
        keys: dict[str, list[int]] = defaultdict(list)
        for index, component in enumerate(components):
            for key in keys_of(component):
                if key:
                    keys[key].append(index)
        return {key: [sum(row) for row in zip(*(columns[i] for i in indexes), strict=True)]
                for key, indexes in keys.items()}

    # a component in several pillars adds its points to each of them
    by_main, by_pillar = totals_by(lambda c: (c.main,)), totals_by(lambda c: c.pillars)
    by_group = totals_by(lambda c: (c.group,))
    group_of = {c.main: c.group for c in components}
    maxima = [c.max_points for c in components]
    pillar_max: dict[str, float] = defaultdict(float)
    for component in components:
        for pillar in component.pillars:
            pillar_max[pillar] += component.max_points
    results: dict[int, UnitScore] = {}
    rows = zip(*columns, strict=True) if columns else ([] for _ in unit_ids)
    for position, (unit_id, row) in enumerate(zip(unit_ids, rows, strict=True)):
        score = UnitScore(unit_id, groups[position], points=sum(row), components=dict(zip(codes, row, strict=True)))
        score.by_main = {k: v[position] for k, v in by_main.items()}
        score.by_pillar = {k: v[position] for k, v in by_pillar.items()}
        score.by_group = {k: v[position] for k, v in by_group.items()}
        skipped = overridden.get(position, set())
        for code, points in main_points.get(unit_id, {}).items():
            score.by_main[code] = score.by_main.get(code, 0.0) + points
            score.points += points
            if group_of.get(code):
                score.by_group[group_of[code]] = score.by_group.get(group_of[code], 0.0) + points
            for pillar in main_pillars.get(code, ()):
                score.by_pillar[pillar] = score.by_pillar.get(pillar, 0.0) + points
        for code in [codes[i] for i in skipped]:
            score.components.pop(code, None)
        score.pillar_values = {k: (v / pillar_max[k] if pillar_max.get(k) else 0.0) for k, v in score.by_pillar.items()}
        gaps = [m - p for m, p in zip(maxima, row, strict=True)]
        order = sorted((i for i in range(len(gaps)) if i not in skipped), key=gaps.__getitem__, reverse=True)
        score.gaps = [(codes[i], round(gaps[i], 3)) for i in order[:GAP_ADVICE] if maxima[i] > 0 and gaps[i] > 1e-9]
        results[unit_id] = score

    pillars = sorted(by_pillar)
    for positions in members.values():
        ids = [unit_ids[p] for p in positions]
        ranks = competition_ranks({u: results[u].points for u in ids})
        # ranked on the pillar value, compared at 6 decimals (0,001 point of a 700-point pillar is 0,0000014)
        pillar_ranks = {p: competition_ranks({u: results[u].pillar_values.get(p, 0.0) for u in ids}, ndigits=6)
                        for p in pillars}
        for unit_id in ids:
            results[unit_id].rank = ranks[unit_id]
            results[unit_id].peers = len(ids)
            results[unit_id].pillar_ranks = {p: pillar_ranks[p][unit_id] for p in pillars}
    return results
