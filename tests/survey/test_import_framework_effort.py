"""The optional effort column ("effort" or "công sức") of the framework importer."""

import unicodedata
from decimal import Decimal

import pytest

from tests.survey.test_import_framework import (
    NODE_COLUMNS,
    base_nodes,
    failed_import,
    import_path,
    located,
    sheet_name,
    with_changes,
    write_framework,
)

pytestmark = pytest.mark.django_db


def test_effort_is_read_and_defaults_to_one(tmp_path):
    nodes = with_changes(base_nodes(), "P.1", effort="2,5")
    version = import_path(write_framework(tmp_path, "xlsx", nodes))
    efforts = dict(version.nodes.values_list("code", "effort"))
    assert efforts["P.1"] == Decimal("2.5") and efforts["P.2"] == Decimal(1)


def test_effort_under_its_vietnamese_header(tmp_path):
    columns = [c for c in NODE_COLUMNS if c != "effort"] + ["công sức"]
    nodes = [{**row, "công sức": "3"} for row in base_nodes()]
    version = import_path(write_framework(tmp_path, "csv", nodes, columns=columns))
    assert set(version.nodes.values_list("effort", flat=True)) == {Decimal(3)}


def test_a_bad_effort_is_a_row_error(tmp_path):
    nodes = with_changes(base_nodes(), "P.1", effort="-1")
    nodes = with_changes(nodes, "P.2", effort="nhiều")
    issues = failed_import(write_framework(tmp_path, "csv", nodes))
    name = sheet_name("csv", "indicators")
    assert (name, 3, "effort", "negative") in located(issues)
    assert (name, 4, "effort", "not_number") in located(issues)


@pytest.mark.parametrize(
    "header", [unicodedata.normalize("NFD", "Công sức"), "CÔNG SỨC", " công sức "]
)
def test_effort_header_is_matched_whatever_its_unicode_form_and_case(tmp_path, header):
    columns = [c for c in NODE_COLUMNS if c != "effort"] + [header]
    nodes = [{**row, header: "3"} for row in base_nodes()]
    version = import_path(write_framework(tmp_path, "csv", nodes, columns=columns))
    assert set(version.nodes.values_list("effort", flat=True)) == {Decimal(3)}
