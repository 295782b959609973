import pytest
from scoring_factories import FULL, mixed_spec

from scoring import explain, population_from_records, result_rows, score


@pytest.fixture(scope="module")
def scored():
    spec = mixed_spec()
    pop = population_from_records(spec, units=[{"id": "A"}, {"id": "Z"}], answers=FULL)
    return score(spec, pop), pop


def test_ratio_explanation_is_data(scored):
    r, pop = scored
    out = explain(r, pop, "A", "1.2")
    assert out["rule"] == "ratio" and out["status"] == "scored"
    assert out["inputs"] == {"na": False, "numerator": 394.0, "denominator": 508.0}
    assert [s["op"] for s in out["steps"]] == ["divide", "min", "multiply", "round"]
    assert out["steps"][-1]["result"] == out["points"] == 7.76
    assert out["max"] == 10


@pytest.mark.parametrize(
    "code", ["1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "2.4", "B.1", "P.1"]
)
def test_every_rule_explains_the_points_it_gives(scored, code):
    r, pop = scored
    out = explain(r, pop, "A", code)
    assert out["steps"][-1]["result"] == out["points"]
    assert all(isinstance(s["op"], str) for s in out["steps"])


def test_unscored_leaf(scored):
    r, pop = scored
    out = explain(r, pop, "A", "2.5")
    assert (out["status"], out["steps"], out["points"]) == ("unscored", [], None)


def test_capped_group_explanation(scored):
    r, pop = scored
    out = explain(r, pop, "A", "2")
    assert [c["code"] for c in out["children"]] == ["2.1", "2.2", "2.3", "2.4", "2.5"]
    assert out["sum"] == 26.5 and out["cap"] == 25 and out["points"] == 25
    assert out["max"] == 25 and out["value"] == 1 and out["level"] == "dan_dat"


def test_total_explanation_separates_outside_max(scored):
    r, pop = scored
    out = explain(r, pop, "A")
    outside = {c["code"]: c["outside_max"] for c in out["children"]}
    assert outside == {"1": False, "2": False, "B": True, "P": True}
    assert out["outside_max_sum"] == 3 and out["sum"] == pytest.approx(62.76)
    assert out["rank"] == 1 and out["level"] == "dan_dat"


def test_self_scenario_and_error_explanation():
    spec = mixed_spec()
    answers = [
        {"unit": "A", "code": "1.4", "choice": "chair", "verified": {"choice": "boss"}}
    ]
    pop = population_from_records(spec, units=[{"id": "A"}], answers=answers)
    r = score(spec, pop)
    own = explain(r, pop, "A", "1.4", scenario="self")
    assert own["points"] == 10 and own["inputs"]["choice"] == "chair"
    final = explain(r, pop, "A", "1.4")
    assert (final["status"], final["error"], final["points"]) == (
        "error",
        "unknown_level",
        None,
    )


def test_result_rows_cover_every_unit_and_node(scored):
    r, _ = scored
    rows = list(result_rows(r))
    assert len(rows) == 2 * len(r.spec.nodes)
    total = rows[0]
    assert total["unit"] == "A" and total["code"] == "TOTAL"
    assert set(total) == {
        "unit",
        "code",
        "self_points",
        "verified_points",
        "final_points",
        "gap",
        "max_points",
        "value",
        "level",
        "rank",
        "self_level",
        "self_rank",
    }
