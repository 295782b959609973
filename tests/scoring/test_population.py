import numpy as np
import pytest
from scoring_factories import mixed_spec

from scoring import Answer, population_from_records
from scoring.codes import PopulationError


def test_from_records_encodes_answers_and_units():
    spec = mixed_spec()
    units = [{"id": 7, "group": "b", "ranked": False}, {"id": "x", "group": "a"}]
    answers = [
        {"unit": 7, "code": "1.1", "yes": False},
        {"unit": 7, "code": "1.4", "choice": "boss"},
        {"unit": 7, "code": "2.3", "checks": ["b"], "verified": {"checks": ["zz"]}},
        {"unit": "x", "code": "2.4", "answer": Answer(points=3)},
    ]
    pop = population_from_records(spec, units=units, answers=answers)
    j = {c: i for i, c in enumerate(spec.leaf_codes)}
    assert pop.unit_ids == ("7", "x") and pop.group_labels == ("a", "b")
    assert pop.groups.tolist() == [1, 0] and pop.ranked.tolist() == [False, True]
    assert pop.self_answers.value[0, j["1.1"]] == 0 and pop.self_answers.answered[0, 0]
    assert pop.self_answers.choice[0, j["1.4"]] == -2  # unknown level code
    assert pop.self_answers.checks[0, j["2.3"]] == 0b10
    assert pop.final.checks[0, j["2.3"]] == -1 and pop.verified_mask.sum() == 1
    assert pop.self_answers.value[1, j["2.4"]] == 3
    assert not pop.self_answers.answered[1, j["1.1"]]
    assert np.isnan(pop.self_answers.value[1, j["1.1"]])


@pytest.mark.parametrize(
    "row, code",
    [
        ({"unit": "nobody", "code": "1.1"}, "unknown_unit"),
        ({"unit": "A", "code": "9.9"}, "unknown_indicator"),
    ],
)
def test_unknown_unit_or_code_is_refused(row, code):
    with pytest.raises(PopulationError) as caught:
        population_from_records(mixed_spec(), units=[{"id": "A"}], answers=[row])
    assert caught.value.code == code
