"""Importing council contacts: a preview that saves nothing, a confirm
that saves every row or none, and only councils in the person's scope.
(The file checks shared by every import are here too.)"""

import io

import pytest
from django.contrib.admin.models import LogEntry
from django.forms.models import model_to_dict
from openpyxl import Workbook

from citizenleaders.models import StaffRole
from tests.leaders.factories import council

pytestmark = pytest.mark.django_db

IMPORT = "/admin/ulos/localauthority/import/"
COUNCILS = "/admin/ulos/localauthority/"
LEEDS, BRADFORD, MANCHESTER = "E08000035", "E08000032", "E08000003"
HEADINGS = "gss_code,care_lead_name,care_lead_role,care_lead_email,care_lead_phone\n"


def csv_file(text, name="contacts.csv"):
    upload = io.BytesIO(text.encode("utf-8"))
    upload.name = name
    return upload


def xlsx_file(rows, name="contacts.xlsx"):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    upload = io.BytesIO()
    workbook.save(upload)
    upload.seek(0)
    upload.name = name
    return upload


def upload(client, file):
    return client.post(IMPORT, {"file": file})


def confirm(client, response):
    token = response.context["token"]
    return client.post(IMPORT, {"confirm": "yes", "token": token})


def contacts(*codes):
    return {code: model_to_dict(council(code)) for code in codes}


GOOD = HEADINGS + (
    f"{LEEDS},Sam Patel,Director of Adult Social Services,sam.patel@leeds.example,0113 496 0000\n"
    f"{BRADFORD},,,,\n"
)


@pytest.fixture
def regional(client, regional_coordinator):
    client.force_login(regional_coordinator)
    return regional_coordinator


@pytest.fixture
def national(client, national_coordinator):
    client.force_login(national_coordinator)
    return national_coordinator


def test_the_list_offers_the_import_to_coordinators(client, regional):
    response = client.get(COUNCILS)

    assert 'href="/admin/ulos/localauthority/import/"' in response.content.decode()
    assert "Import council contacts" in response.content.decode()


def test_the_preview_shows_each_change_and_saves_nothing(client, regional):
    before = contacts(LEEDS, BRADFORD)

    response = upload(client, csv_file(GOOD))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Preview: nothing has been saved yet" in page
    rows = response.context["preview"].rows
    assert [row.number for row in rows] == [2, 3]
    assert [(change.label, change.old, change.new) for change in rows[0].changes] == [
        ("Adult social care lead", "", "Sam Patel"),
        ("Lead's job title", "", "Director of Adult Social Services"),
        ("Lead's email", "", "sam.patel@leeds.example"),
        ("Lead's phone", "", "0113 496 0000"),
    ]
    assert rows[1].unchanged
    assert "Unchanged" in page
    assert 'value="Confirm and save 1 row"' in page
    assert contacts(LEEDS, BRADFORD) == before


def test_confirming_saves_the_changes(client, regional):
    response = confirm(client, upload(client, csv_file(GOOD)))

    assert response.status_code == 302
    assert response["Location"] == COUNCILS
    leeds = council(LEEDS)
    assert leeds.care_lead_name == "Sam Patel"
    assert leeds.care_lead_email == "sam.patel@leeds.example"
    assert leeds.care_lead_phone == "0113 496 0000"
    assert council(BRADFORD).care_lead_name == ""
    assert LogEntry.objects.filter(object_id=str(leeds.pk)).exists()


def test_an_empty_cell_leaves_the_value_as_it_is(client, regional):
    leeds = council(LEEDS)
    leeds.care_lead_email = "kept@leeds.example"
    leeds.save()

    confirm(client, upload(client, csv_file(HEADINGS + f"{LEEDS},Sam Patel,,,\n")))

    leeds.refresh_from_db()
    assert (leeds.care_lead_name, leeds.care_lead_email) == ("Sam Patel", "kept@leeds.example")


def test_an_excel_workbook_works_too(client, national):
    rows = [
        ["GSS code", "Care lead name", "Care lead email"],
        [MANCHESTER, "Alex Jones", "alex.jones@manchester.example"],
    ]

    confirm(client, upload(client, xlsx_file(rows)))

    assert council(MANCHESTER).care_lead_email == "alex.jones@manchester.example"


def test_a_file_with_a_bad_row_saves_no_row(client, regional):
    before = contacts(LEEDS, BRADFORD, MANCHESTER)
    text = HEADINGS + (
        f"{LEEDS},Sam Patel,,sam.patel@leeds.example,\n"
        f"{BRADFORD},Jo Smith,,not-an-email,\n"
        f"{MANCHESTER},Alex Jones,,,\n"
        "E99999999,Nobody,,,\n"
        f"{LEEDS},Sam Patel again,,,\n"
    )

    response = upload(client, csv_file(text))

    page = response.content.decode()
    errors = {row.number: row.errors for row in response.context["preview"].rows}
    assert errors[2] == []
    assert errors[3] == ["care_lead_email: Enter a valid email address."]
    assert errors[4] == [f"{MANCHESTER} is not in your region"]
    assert errors[5] == ["No council has the GSS code E99999999"]
    assert errors[6] == [f"{LEEDS} is also in row 2: give each council once"]
    assert "Row 4: E08000003 is not in your region" in page
    assert "4 rows have a problem" in page
    assert "Confirm and save" not in page
    assert response.context["token"] == ""

    # Forcing the confirm, with or without a token, saves nothing.
    forged = client.post(IMPORT, {"confirm": "yes", "token": "made-up"})
    assert forged.status_code == 302
    assert contacts(LEEDS, BRADFORD, MANCHESTER) == before


def test_confirming_checks_the_rows_again(client, regional, regional_coordinator):
    preview = upload(client, csv_file(GOOD))
    # The coordinator moves to another region between preview and confirm.
    StaffRole.objects.filter(user=regional_coordinator).update(region=council(MANCHESTER).region)
    before = contacts(LEEDS)

    response = confirm(client, preview)

    assert response.status_code == 200
    assert "Nothing has been saved" in response.content.decode()
    assert response.context["preview"].errors[0].errors == [f"{LEEDS} is not in your region"]
    assert contacts(LEEDS) == before


def test_a_preview_cannot_be_confirmed_twice(client, regional):
    preview = upload(client, csv_file(GOOD))
    confirm(client, preview)

    again = confirm(client, preview)

    assert again.status_code == 302
    assert again["Location"] == IMPORT


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (csv_file("gss_code\n" + LEEDS + "\n"), "at least one of the columns care_lead_name"),
        (csv_file("name,email\nLeeds,a@b.example\n"), "Missing: gss_code"),
        (csv_file("", name="empty.csv"), "The file is empty"),
        (csv_file("gss_code,care_lead_name\n"), "headings but no rows"),
        (csv_file("gss_code", name="contacts.pdf"), "must be a CSV or an Excel workbook"),
        (
            io.BytesIO(b"gss_code,care_lead_name\nE08000035,\xff\xfe Caf\xe9\n"),
            "Save it as “CSV UTF-8”",
        ),
        (csv_file("not a workbook", name="contacts.xlsx"), "not an Excel workbook"),
    ],
)
def test_a_file_that_cannot_be_read_is_explained(client, regional, file, message):
    if not hasattr(file, "name"):
        file.name = "contacts.csv"
    before = contacts(LEEDS)

    response = upload(client, file)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["preview"] is None
    assert contacts(LEEDS) == before


def test_too_many_rows_is_refused(client, regional, settings):
    text = HEADINGS + "".join(f"{LEEDS},Name {n},,,\n" for n in range(2001))

    response = upload(client, csv_file(text))

    assert "more than 2,000 rows" in response.content.decode()


def test_too_big_a_file_is_refused(client, regional):
    text = HEADINGS + f"{LEEDS},{'x' * (2 * 1024 * 1024)},,,\n"

    response = upload(client, csv_file(text))

    assert "larger than 2 MB" in response.content.decode()


@pytest.mark.parametrize("method", ["get", "post"])
def test_council_staff_with_back_office_access_cannot_import(client, council_staff, method):
    StaffRole.objects.filter(user=council_staff).update(admin_access=True)
    client.force_login(council_staff)
    before = contacts(LEEDS)

    response = getattr(client, method)(IMPORT, {"file": csv_file(GOOD)})

    assert response.status_code == 403
    assert contacts(LEEDS) == before
    assert "/import/" not in client.get(COUNCILS).content.decode()
