"""Regimes as dated data: selection by date, the wizard's level for hand-made cases of each level."""

import datetime as dt

import pytest

from tinhso.core.errors import ValidationFailed
from tinhso.security import regimes


def test_the_regime_in_force_is_chosen_by_date():
    assert regimes.regime_on(dt.date(2023, 6, 30)).code == "law86-decree85"
    assert regimes.regime_on(dt.date(2026, 6, 30)).code == "law86-decree85"
    assert regimes.regime_on(dt.date(2026, 7, 1)).code == "law116-decree331"
    with pytest.raises(ValidationFailed):
        regimes.regime_on(dt.date(2016, 6, 30))


DECREE_85_CASES = [
    ({"function": "internal", "information": "public"}, 1, "85-L1"),
    ({"function": "internal", "information": "private_personal", "personal_subjects": 300}, 2, "85-L2.1"),
    ({"function": "citizen_services", "information": "private_personal", "personal_subjects": 45_000}, 3, "85-L3.2c"),
    ({"function": "infrastructure", "infra_scope": "sector_province"}, 3, "85-L3.3"),
    ({"function": "internal", "national_egov_24x7": True}, 4, "85-L4.2"),
    ({"function": "industrial_control", "construction_grade": "grade_1"}, 4, "85-L4.4"),
    ({"function": "infrastructure", "national_critical_data": True, "infra_scope": "sector_province"}, 5, "85-L5.2"),
]


@pytest.mark.parametrize(("answers", "level", "decisive"), DECREE_85_CASES)
def test_the_wizard_proposes_each_level_of_decree_85_with_its_reasons(answers, level, decisive):
    result = regimes.screen(regimes.get_regime("law86-decree85"), answers)
    assert result.level == level
    assert decisive in [r["code"] for r in result.reasons if r["decisive"]]
    assert all(r["article"].startswith("NĐ 85/2016") for r in result.reasons)


def test_the_highest_criterion_wins_and_says_so():
    result = regimes.screen(regimes.get_regime("law86-decree85"),
                            {"function": "citizen_services", "information": "private_personal",
                             "public_service_level": "upto2", "conditional_business": True})
    assert result.level == 3 and {r["level"] for r in result.reasons} == {2, 3}
    assert any("cao nhất" in w for w in result.warnings)


def test_the_same_system_is_judged_differently_under_the_two_regimes():
    """45.000 people's basic personal data: level 3 under Decree 85 (≥ 10.000 users), level 2 under
    Decree 331 (threshold 100.000), unless it handles administrative procedures (331 Art. 13.2.b)."""
    answers = {"function": "citizen_services", "information": "private_personal", "personal_subjects": 45_000,
               "conditional_business": False}
    assert regimes.screen(regimes.get_regime("law86-decree85"), answers).level == 3
    new = regimes.screen(regimes.get_regime("law116-decree331"), answers)
    assert new.level == 2 and any("chưa được đối chiếu" in w for w in new.warnings)
    assert regimes.screen(regimes.get_regime("law116-decree331"), answers | {"admin_procedure": True}).level == 3


def test_bad_answers_are_named():
    answers, errors = regimes.clean_answers({"function": "nope", "personal_subjects": "-4", "admin_procedure": "có"})
    assert {e.field for e in errors} == {"function", "personal_subjects"} and answers == {"admin_procedure": True}


def test_every_regime_lists_documents_and_an_incident_clock_with_sources():
    for regime in regimes.all_regimes():
        assert [d["code"] for d in regime.documents(1)][:4] == ["overview", "design", "level_justification",
                                                                 "security_plan"]
        assert "appraisal_opinion" in [d["code"] for d in regime.documents(3, "approval")]
        assert regime.incident["initial_report_hours"] > 0 and regime.incident["source"]
        for level in range(1, 6):
            assert regime.authority(level, "appraiser") and regime.authority(level, "approver")
