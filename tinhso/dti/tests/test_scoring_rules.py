"""Each scoring rule, ties in ranking and the largest-gap advice, on the pure engine."""

import pytest

from tinhso.dti.scoring import (
    ComponentSpec,
    competition_ranks,
    largest_gaps,
    score_component,
    score_units,
    validate_rule,
)


def test_linear_scales_between_bounds_and_clamps():
    rule = {"type": "linear", "min": 50, "max": 100}
    assert score_component(rule, 10, 75) == pytest.approx(5)
    assert score_component(rule, 10, 100) == pytest.approx(10)
    assert score_component(rule, 10, 120) == pytest.approx(10)
    assert score_component(rule, 10, 30) == 0
    assert score_component(rule, 10, None) == 0


def test_linear_with_reversed_bounds_rewards_lower_values():
    rule = {"type": "linear", "min": 3, "max": 0}
    assert score_component(rule, 4, 0) == pytest.approx(4)
    assert score_component(rule, 4, 3) == 0
    assert score_component(rule, 4, 1.5) == pytest.approx(2)


def test_steps_take_the_highest_threshold_reached():
    rule = {"type": "steps", "steps": [{"at_least": 2, "points": 5}, {"at_least": 4, "points": 10}]}
    assert score_component(rule, 10, 1) == 0
    assert score_component(rule, 10, 2) == 5
    assert score_component(rule, 10, 3.9) == 5
    assert score_component(rule, 10, 6) == 10


def test_yes_no():
    assert score_component({"type": "yes_no"}, 8, 1) == 8
    assert score_component({"type": "yes_no"}, 8, 0) == 0


def test_capped_sum():
    rule = {"type": "capped_sum", "per_item": 0.5}
    assert score_component(rule, 5, 4) == pytest.approx(2)
    assert score_component(rule, 5, 30) == pytest.approx(5)


def test_manual_is_clamped_to_the_maximum():
    assert score_component({"type": "manual"}, 5, 3.5) == pytest.approx(3.5)
    assert score_component({"type": "manual"}, 5, 9) == pytest.approx(5)


def test_relative_gives_the_best_peer_full_points_within_its_peer_group():
    specs = [ComponentSpec("R", "M", 10.0, {"type": "relative"})]
    values = {1: {"R": 200.0}, 2: {"R": 100.0}, 3: {"R": 50.0}, 4: {"R": 10.0}}
    peers = {1: "commune", 2: "commune", 3: "department", 4: "department"}
    scores = score_units(specs, values, peers)
    assert scores[1].points == pytest.approx(10)
    assert scores[2].points == pytest.approx(5)
    assert scores[3].points == pytest.approx(10)  # best among departments, compared only with departments
    assert scores[4].points == pytest.approx(2)


def test_relative_lower_is_better():
    specs = [ComponentSpec("R", "M", 10.0, {"type": "relative", "lower_is_better": True})]
    scores = score_units(specs, {1: {"R": 2.0}, 2: {"R": 4.0}, 3: {"R": None}}, {1: "", 2: "", 3: ""})
    assert scores[1].points == pytest.approx(10)
    assert scores[2].points == pytest.approx(5)
    assert scores[3].points == 0


def test_ties_share_a_rank_and_the_next_rank_skips():
    assert competition_ranks({1: 90.0, 2: 85.0, 3: 85.0, 4: 70.0, 5: 70.0, 6: 10.0}) == {
        1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 6}
    # differences below the stored precision are ties too
    assert competition_ranks({1: 50.0001, 2: 50.0002})[2] == 1


def test_score_units_totals_and_ranks_per_pillar():
    specs = [ComponentSpec("a", "M1", 60.0, {"type": "manual"}, pillars=("P1",), group="g"),
             ComponentSpec("b", "M2", 40.0, {"type": "manual"}, pillars=("P2",), group="g")]
    scores = score_units(specs, {1: {"a": 60, "b": 0}, 2: {"a": 30, "b": 40}, 3: {"a": 30, "b": 40}},
                         {1: "x", 2: "x", 3: "x"})
    assert [scores[u].rank for u in (1, 2, 3)] == [3, 1, 1]  # 1, 1, then 3
    assert scores[2].by_main == {"M1": 30, "M2": 40}
    assert scores[1].pillar_ranks == {"P1": 1, "P2": 3}
    assert scores[2].pillar_ranks == {"P1": 2, "P2": 1}
    assert scores[3].by_group == {"g": 70}
    assert scores[1].peers == 3


def test_largest_gaps_lists_what_would_raise_the_score_most():
    specs = [ComponentSpec("c1", "M", 10.0, {"type": "manual"}), ComponentSpec("c2", "M", 30.0, {"type": "manual"}),
             ComponentSpec("c3", "M", 20.0, {"type": "manual"}), ComponentSpec("c4", "M", 0.0, {"type": "manual"}),
             ComponentSpec("c5", "M", 5.0, {"type": "manual"})]
    gaps = largest_gaps(specs, {"c1": 10, "c2": 12, "c3": 0, "c5": 4}, limit=3)
    assert gaps == [("c3", 20.0), ("c2", 18.0), ("c5", 1.0)]  # full marks and 0-point components never advised


@pytest.mark.parametrize("rule", [
    None, {"type": "bogus"}, {"type": "linear", "min": 1}, {"type": "linear", "min": 5, "max": 5},
    {"type": "steps", "steps": []}, {"type": "steps", "steps": [{"at_least": 1, "points": 99}]},
    {"type": "capped_sum", "per_item": 0},
])
def test_invalid_rules_are_reported(rule):
    assert validate_rule(rule, 10)


def test_whole_province_scoring_matches_the_rule_of_each_cell():
    import random

    rules = [{"type": "linear", "min": 0, "max": 100}, {"type": "linear", "min": 5, "max": 0},
             {"type": "steps", "steps": [{"at_least": 50, "points": 2}, {"at_least": 90, "points": 4}]},
             {"type": "yes_no"}, {"type": "capped_sum", "per_item": 0.75}, {"type": "manual"}]
    specs = [ComponentSpec(f"c{i}", f"m{i % 2}", 4.0, rule) for i, rule in enumerate(rules)]
    rng = random.Random(7)
    values = {u: {s.code: (None if rng.random() < 0.1 else round(rng.uniform(-5, 120), 2)) for s in specs}
              for u in range(60)}
    scores = score_units(specs, values, {u: "x" for u in values})
    for unit, by_code in values.items():
        for spec in specs:
            expected = score_component(spec.rule, spec.max_points, by_code[spec.code])
            assert scores[unit].components[spec.code] == pytest.approx(expected), (unit, spec.code)
        assert scores[unit].points == pytest.approx(sum(scores[unit].components.values()))
