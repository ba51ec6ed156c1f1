"""The rules table covers every check the models use, and the GX suite mirrors every built-in one."""

from __future__ import annotations

import pandera.polars as pa
import pytest

from pipeline.expectations import _check_spec
from schemas import MODELS
from schemas.rules import BUILTIN_CHECKS, RULE_MESSAGES, rule_of


def _column_checks() -> list[tuple[str, str, pa.Check]]:
    return [(name, column_name, check) for name, model in MODELS.items()
            for column_name, column in model.to_schema().columns.items() for check in column.checks]


def test_every_check_used_in_the_models_is_in_the_rules_table():
    custom_rules = {check.name.rpartition(".")[2] for model in MODELS.values() for check in model.to_schema().checks}
    missing = sorted({check.name for _, _, check in _column_checks()
                      if check.name not in BUILTIN_CHECKS and check.name not in RULE_MESSAGES}
                     | (custom_rules - set(RULE_MESSAGES)))
    assert not missing, f"add these to schemas/rules.py: {missing}"


def test_every_builtin_rule_has_a_message():
    assert {check.rule for check in BUILTIN_CHECKS.values()} <= set(RULE_MESSAGES)


def test_every_builtin_check_is_mirrored_in_gx_or_says_why_not():
    for name, builtin in BUILTIN_CHECKS.items():
        assert (builtin.expectation is None) == (builtin.not_mirrored is not None), name


@pytest.mark.parametrize("check", [pa.Check.le(5), pa.Check.ge(1), pa.Check.in_range(1, 5), pa.Check.isin(["a"]),
                                   pa.Check.str_matches("^a$")], ids=lambda check: check.name)
def test_a_builtin_check_a_model_may_use_gets_its_gx_twin(check):
    spec = _check_spec("x", check.name, check.statistics)
    assert spec is not None and spec[1]["column"] == "x"
    assert rule_of(check.name) in RULE_MESSAGES


def test_le_becomes_a_gx_upper_bound():
    check = pa.Check.le(5)
    assert _check_spec("x", check.name, check.statistics) == ("ExpectColumnValuesToBeBetween", {"column": "x", "max_value": 5})
