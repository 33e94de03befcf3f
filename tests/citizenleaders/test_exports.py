"""The back office's exports: CSV and Excel give the same table, within the
person's scope, and nothing in either runs as a formula."""

import csv
import datetime
import io

import pytest
from openpyxl import load_workbook

from tests.leaders.factories import LeaderFactory, TrainingRecordFactory, council
from ulos.models import LocalAuthority

pytestmark = pytest.mark.django_db

COUNCILS = "/admin/ulos/localauthority/"
TRAINING = "/admin/leaders/trainingrecord/"
LEEDS, BRADFORD, MANCHESTER = "E08000035", "E08000032", "E08000003"


def export(client, url, action, selected):
    return client.post(
        url, {"action": action, "_selected_action": [obj.pk for obj in selected], "index": "0"}
    )


def csv_rows(response):
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_sheet(response):
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].endswith('.xlsx"')
    return load_workbook(io.BytesIO(response.content)).active


def as_csv_text(cell):
    """A workbook cell as the CSV writes it, to compare the two."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, datetime.datetime | datetime.date):
        if cell.number_format == "yyyy-mm-dd":  # a date, not a moment
            return value.strftime("%Y-%m-%d")
        return value.strftime("%Y-%m-%d %H:%M")
    text = str(value)
    if text.startswith(("=", "+", "-", "@")):
        return "'" + text  # the CSV's guard; the workbook keeps the text as text
    return text


def xlsx_as_csv_rows(response, csv_rows):
    """The rows of a workbook download, written as the CSV would write them
    (numbers as the CSV has them, where the two are the same number)."""

    def text(cell, in_csv):
        if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
            return in_csv if float(in_csv) == cell.value else str(cell.value)
        return as_csv_text(cell)

    sheet = xlsx_sheet(response)
    rows = [list(row) for row in sheet.iter_rows()]
    return [
        [text(cell, in_csv) for cell, in_csv in zip(row, csv_row, strict=False)]
        + [as_csv_text(cell) for cell in row[len(csv_row) :]]
        for row, csv_row in zip(rows, [*csv_rows, *[[]] * len(rows)], strict=False)
    ]


@pytest.fixture
def leeds_with_a_formula():
    leeds = council(LEEDS)
    leeds.care_lead_name = '=HYPERLINK("http://evil.example","Click")'
    leeds.care_lead_role = "+44 director"
    leeds.is_partner = True
    leeds.partner_since = datetime.date(2009, 4, 1)
    leeds.save()
    return leeds


def test_the_workbook_has_the_csvs_rows(client, national_coordinator, leeds_with_a_formula):
    client.force_login(national_coordinator)
    selected = [leeds_with_a_formula, council(BRADFORD), council(MANCHESTER)]

    from_csv = csv_rows(export(client, COUNCILS, "export_as_csv", selected))
    from_xlsx = xlsx_as_csv_rows(export(client, COUNCILS, "export_as_xlsx", selected), from_csv)

    assert len(from_csv) == 4
    assert from_xlsx == from_csv


def test_the_workbook_runs_no_formula_and_has_real_dates(
    client, national_coordinator, leeds_with_a_formula
):
    client.force_login(national_coordinator)
    record = TrainingRecordFactory(
        leader=LeaderFactory(local_authority=leeds_with_a_formula),
        completed_on=datetime.date(2027, 3, 21),
        trainer="=cmd|' /C calc'!A0",
    )

    sheet = xlsx_sheet(export(client, TRAINING, "export_as_xlsx", [record]))

    header = [cell.value for cell in sheet[1]]
    row = sheet[2]
    trainer = row[header.index("Trainer")]
    assert trainer.value == "=cmd|' /C calc'!A0"
    assert trainer.data_type == "s"  # text, not a formula
    completed = row[header.index("Completed on")]
    assert completed.is_date
    assert completed.value == datetime.datetime(2027, 3, 21)
    assert all(cell.data_type != "f" for line in sheet.iter_rows() for cell in line)


def test_a_regional_coordinator_exports_only_their_region(client, regional_coordinator):
    client.force_login(regional_coordinator)
    everything = LocalAuthority.objects.all()

    response = client.post(
        COUNCILS,
        {"action": "export_as_xlsx", "select_across": "1", "_selected_action": ["0"], "index": "0"},
    )

    codes = {row[1] for row in xlsx_sheet(response).iter_rows(min_row=2, values_only=True)}
    yorkshire = set(
        everything.filter(region__name="Yorkshire and The Humber").values_list(
            "gss_code", flat=True
        )
    )
    assert codes == yorkshire
    assert MANCHESTER not in codes


def test_a_forged_selection_of_another_regions_records_exports_none_of_them(
    client, regional_coordinator
):
    client.force_login(regional_coordinator)

    response = export(client, COUNCILS, "export_as_xlsx", [council(LEEDS), council(MANCHESTER)])

    rows = list(xlsx_sheet(response).iter_rows(min_row=2, values_only=True))
    assert [row[1] for row in rows] == [LEEDS]


def test_council_staff_cannot_export_the_councils_list(client, council_staff):
    client.force_login(council_staff)

    response = export(client, COUNCILS, "export_as_xlsx", [council(LEEDS)])

    assert response.status_code == 403
