"""The Pandera models agree with the column contract and carry what the data dictionary needs."""

from __future__ import annotations

import pytest

from schemas import MODELS, SCHEMA_VERSION
from schemas.contracts import DATASETS
from schemas.examples import example_frame
from schemas.models import key_columns, warning_checks


def test_every_contract_dataset_has_a_model():
    assert set(MODELS) == set(DATASETS)


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_model_columns_and_dtypes_match_the_contract(name):
    columns = MODELS[name].to_schema().columns
    assert list(columns) == list(DATASETS[name])
    assert {c: col.dtype.type for c, col in columns.items()} == dict(DATASETS[name])


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_every_field_is_described(name):
    undescribed = [c for c, col in MODELS[name].to_schema().columns.items() if not col.description]
    assert undescribed == []


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_model_metadata_names_version_key_and_warnings(name):
    model = MODELS[name]
    assert model.Config.metadata["schema_version"] == SCHEMA_VERSION
    assert set(key_columns(model)) <= set(DATASETS[name])
    columns = {check.split(".")[0] for check in warning_checks(model)}
    assert columns <= set(DATASETS[name])


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_example_frames_are_valid(name):
    MODELS[name].validate(example_frame(name), lazy=True)
