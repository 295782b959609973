"""reports.builders.scorecard: the pure builder of a unit's scorecard sheet."""

import zipfile
from io import BytesIO

import openpyxl

from reports.builders.scorecard import (
    LostLine,
    PillarLine,
    Scorecard,
    scorecard_xlsx_bytes,
)
from reports.labels import report_labels


def _card(**changes) -> Scorecard:
    values = dict(
        unit="=Xã An Phú",
        unit_code="X001",
        campaign="DTI 2025",
        year=2025,
        group="Xã",
        points=480.97,
        maximum=960.0,
        value=0.501,
        level="Nâng cao",
        rank=4,
        ranked_units=12,
        previous_value=0.5344,
        previous_rank=2,
        previous_year=2024,
        pillars=[
            PillarLine("1", "Hạ tầng", 17.5, 0.2188, 0.5188),
            PillarLine("2", "Nhân lực", 12.8, 0.128, 0.4562),
            PillarLine("3", "An toàn", 60.0, 0.6, 0.53),
        ],
        weakest=[LostLine("2.1", "- Chuyên trách", 0.0, 30.0, 30.0)],
        path_status="reachable",
        path_target="Dẫn dắt",
        path_new_value=0.7507,
        path=[LostLine("2.1", "- Chuyên trách", 0.0, 30.0, 30.0)],
    )
    values.update(changes)
    return Scorecard(**values)


def _open(content: bytes):
    return openpyxl.load_workbook(BytesIO(content))


def test_scorecard_sheet_has_numbers_and_safe_text():
    labels = report_labels("en")
    book = _open(scorecard_xlsx_bytes(_card(), labels))
    assert book.sheetnames == [labels["scorecard"]]
    sheet = book.active
    rows = {r[0].value: r for r in sheet.iter_rows() if r and r[0].value}
    assert rows[labels["final_points"]][1].value == 480.97
    assert rows[labels["final_points"]][1].number_format == "#,##0.00"
    assert rows[labels["percent"]][1].value == 0.501  # 480.97 / 960 = 50.1010…
    assert rows[labels["percent"]][1].number_format == "0.00%"
    assert rows[labels["campaign_state"]][1].value == labels["results_provisional"]
    assert rows[labels["rank"]][1].value == 4
    assert rows[labels["rank_change"]][1].value == -2
    assert sheet["A2"].value == "=Xã An Phú" and sheet["A2"].data_type == "s"
    names = [r[1].value for r in sheet.iter_rows() if r[0].value == "2.1"]
    assert names == ["- Chuyên trách", "- Chuyên trách"]
    assert all(r[1].data_type == "s" for r in sheet.iter_rows() if r[0].value == "2.1")
    assert rows["3"][3].value == 0.6 and rows["3"][4].value == 0.53
    texts = [c.value for r in sheet.iter_rows() for c in r if c.value]
    assert labels["path_reachable"] in texts and "Dẫn dắt" in texts


def test_scorecard_sheet_sets_the_self_assessed_level_and_rank_beside_the_final():
    labels = report_labels("vi")
    card = _card(self_level="Dẫn dắt", self_rank=1, verified_level_change=-1)
    sheet = _open(scorecard_xlsx_bytes(card, labels)).active
    rows = {r[0].value: r for r in sheet.iter_rows() if r and r[0].value}
    assert rows[labels["level"]][1].value == "Nâng cao"
    assert rows[labels["self_level"]][1].value == "Dẫn dắt"
    assert rows[labels["level_change_verified"]][1].value == -1
    assert rows[labels["rank"]][1].value == 4
    assert rows[labels["self_rank"]][1].value == 1
    change = rows[labels["rank_change_verified"]][1]
    assert change.value == -3 and change.number_format == "+0;-0;0"
    order = [r[0].value for r in sheet.iter_rows(max_col=1)]
    assert order.index(labels["self_level"]) == order.index(labels["level"]) + 1
    assert order.index(labels["self_rank"]) == order.index(labels["rank"]) + 1
    # Results stored before the self-assessed figures were kept: nothing shown.
    sheet = _open(scorecard_xlsx_bytes(_card(), labels)).active
    rows = {r[0].value: r for r in sheet.iter_rows() if r and r[0].value}
    assert rows[labels["self_rank"]][1].value is None
    assert rows[labels["rank_change_verified"]][1].value is None
    assert rows[labels["level_change_verified"]][1].value is None


def test_scorecard_has_a_native_radar_chart():
    content = scorecard_xlsx_bytes(_card(), report_labels("vi"))
    with zipfile.ZipFile(BytesIO(content)) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 1
        xml = archive.read(charts[0]).decode()
    assert "<c:radarChart>" in xml or "radarChart" in xml
    assert "=Xã An Phú" in xml  # the unit's series is named after it


def test_path_states_and_no_pillars():
    labels = report_labels("en")
    for status, key in [
        ("top_level", "path_top"),
        ("not_reachable", "path_not_reachable"),
        ("n/a", "path_none"),
    ]:
        card = _card(path_status=status, path=[], pillars=[], weakest=[])
        sheet = _open(scorecard_xlsx_bytes(card, labels)).active
        texts = [c.value for r in sheet.iter_rows() for c in r if c.value]
        assert labels[key] in texts and labels["none"] in texts
    content = scorecard_xlsx_bytes(_card(pillars=[]), labels)
    with zipfile.ZipFile(BytesIO(content)) as archive:
        assert not [n for n in archive.namelist() if n.startswith("xl/charts/")]


def test_unranked_and_unsubmitted_units_are_noted():
    labels = report_labels("en")
    card = _card(ranked=False, rank=None, submitted=False, self_rank=3)
    sheet = _open(scorecard_xlsx_bytes(card, labels)).active
    rows = {r[0].value: r for r in sheet.iter_rows() if r and r[0].value}
    assert rows[labels["rank"]][1].value is None
    assert rows[labels["self_rank"]][1].value is None
    assert card.verified_rank_change is None
    assert rows[labels["note"]][1].value == labels["not_submitted"]
