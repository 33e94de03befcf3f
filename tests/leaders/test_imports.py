"""Importing training attendance from a sign-in sheet: a preview that saves
and sends nothing; a confirm that marks every row completed through the
training service (so a leader who finishes the required modules becomes
active and is emailed) or marks none."""

import datetime
import io

import pytest
from django.core import mail
from django.utils import timezone

from citizenleaders.models import StaffRole
from leaders.models import Leader, Module, TrainingRecord
from tests.citizenleaders.factories import UserFactory
from tests.leaders.factories import LeaderFactory, council

pytestmark = pytest.mark.django_db

IMPORT = "/admin/leaders/trainingrecord/import/"
TRAINING = "/admin/leaders/trainingrecord/"
LEEDS, MANCHESTER = "E08000035", "E08000003"
HEADINGS = "Name,Email address,Module,Date attended,Trainer\n"


def csv_file(text, name="sign-in.csv"):
    upload = io.BytesIO(text.encode("utf-8"))
    upload.name = name
    return upload


def upload(client, text):
    return client.post(IMPORT, {"file": csv_file(text)})


def confirm(client, response):
    return client.post(IMPORT, {"confirm": "yes", "token": response.context["token"]})


def required_modules():
    return list(Module.objects.filter(is_required=True))


def leader_in(gss_code, email, status=Leader.Status.IN_TRAINING, name="Rosa Clarke"):
    return LeaderFactory(
        user=UserFactory(email=email, full_name=name),
        local_authority=council(gss_code),
        status=status,
    )


def complete(leader, modules):
    for module in modules:
        TrainingRecord.objects.update_or_create(
            leader=leader,
            module=module,
            defaults={"status": "completed", "completed_on": datetime.date(2026, 1, 5)},
        )


def training_of(leader):
    return {
        record.module_id: (record.status, record.completed_on, record.trainer)
        for record in leader.training.all()
    }


@pytest.fixture
def regional(client, regional_coordinator):
    client.force_login(regional_coordinator)
    return regional_coordinator


@pytest.fixture
def rosa():
    """A leader in Leeds with every required module done but the last."""
    leader = leader_in(LEEDS, "rosa@example.org")
    complete(leader, required_modules()[:-1])
    return leader


def test_the_list_offers_the_import(client, regional):
    response = client.get(TRAINING)

    assert "Import training attendance" in response.content.decode()


def test_the_preview_says_what_will_happen_and_saves_and_sends_nothing(client, regional, rosa):
    last = required_modules()[-1]
    before = training_of(rosa)
    attended = timezone.localdate() - datetime.timedelta(days=2)

    response = upload(
        client, HEADINGS + f"Rosa Clarke,ROSA@example.org,{last.title},{attended:%d/%m/%Y},Ann\n"
    )

    page = response.content.decode()
    row = response.context["preview"].rows[0]
    assert row.errors == []
    assert row.about == "Rosa Clarke (ROSA@example.org)"
    assert [(c.label, c.old, c.new) for c in row.changes] == [
        (last.title, "Not started", f"Completed on {attended:%-d %B %Y}, with Ann")
    ]
    assert "will then have completed all the required training and become active" in page
    assert 'value="Confirm and save 1 row"' in page
    assert training_of(rosa) == before
    assert Leader.objects.get(pk=rosa.pk).status == Leader.Status.IN_TRAINING
    assert mail.outbox == []


def test_confirming_completes_the_training_and_activates_the_leader(
    client, regional, rosa, django_capture_on_commit_callbacks
):
    last = required_modules()[-1]
    preview = upload(client, HEADINGS + f"Rosa Clarke,rosa@example.org,{last.slug},2026-01-20,\n")
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        response = confirm(client, preview)

    assert response.status_code == 302
    record = rosa.training.get(module=last)
    assert (record.status, record.completed_on) == ("completed", datetime.date(2026, 1, 20))
    rosa.refresh_from_db()
    assert rosa.status == Leader.Status.ACTIVE
    assert [message.to for message in mail.outbox] == [["rosa@example.org"]]


def test_a_module_already_completed_is_unchanged(client, regional, rosa):
    first = required_modules()[0]

    response = upload(client, HEADINGS + f",rosa@example.org,{first.title},2026-02-01,\n")

    row = response.context["preview"].rows[0]
    assert row.unchanged
    assert "already completed on 5 January 2026" in row.notes[0]
    assert "Confirm and save" not in response.content.decode()


def test_a_sheet_with_a_bad_row_saves_no_row_and_sends_nothing(
    client, regional, rosa, django_capture_on_commit_callbacks
):
    modules = required_modules()
    leader_in(MANCHESTER, "elsewhere@example.org")
    left = leader_in(LEEDS, "left@example.org", status=Leader.Status.LEFT, name="Lee Left")
    future = timezone.localdate() + datetime.timedelta(days=3)
    before = training_of(rosa)
    text = HEADINGS + "\n".join(
        [
            f"Rosa Clarke,rosa@example.org,{modules[-1].title},2026-01-20,Ann",
            f"Someone,nobody@example.org,{modules[0].title},2026-01-20,",
            f"Someone,elsewhere@example.org,{modules[0].title},2026-01-20,",
            "Rosa Clarke,rosa@example.org,Juggling,2026-01-20,",
            f"Rosa Clarke,rosa@example.org,{modules[-2].title},{future:%d/%m/%Y},",
            f"Rosa Clarke,rosa@example.org,{modules[-3].title},31/02/2027,",
            f"Lee Left,left@example.org,{modules[0].title},2026-01-20,",
        ]
    )

    response = upload(client, text)

    errors = {row.number: row.errors for row in response.context["preview"].rows}
    assert errors[2] == []
    assert errors[3] == ["No Citizen Leader has the email address nobody@example.org"]
    assert errors[4] == ["elsewhere@example.org is not a Citizen Leader in your region"]
    assert errors[5][0].startswith("There is no module called “Juggling”. Use one of:")
    assert errors[6] == [f"The date attended, {future:%-d %B %Y}, is in the future"]
    assert errors[7] == ["“31/02/2027” is not a date. Enter the date attended like 21/03/2027"]
    assert errors[8] == ["Lee Left has left the programme"]
    page = response.content.decode()
    assert "Row 3: No Citizen Leader has the email address" in page
    assert "Confirm and save" not in page

    with django_capture_on_commit_callbacks(execute=True):
        forged = client.post(IMPORT, {"confirm": "yes", "token": ""})

    assert forged.status_code == 302
    assert training_of(rosa) == before
    assert not left.training.exists()
    assert Leader.objects.get(pk=rosa.pk).status == Leader.Status.IN_TRAINING
    assert mail.outbox == []


def test_a_leader_without_a_record_for_the_module_is_given_one(client, national_coordinator):
    client.force_login(national_coordinator)
    leader = leader_in(MANCHESTER, "sam@example.org", status=Leader.Status.ACTIVE)
    module = required_modules()[0]

    confirm(
        client, upload(client, HEADINGS + f"Sam,sam@example.org,{module.title},2026-01-20,Bo\n")
    )

    assert training_of(leader) == {module.pk: ("completed", datetime.date(2026, 1, 20), "Bo")}


def test_the_same_leader_and_module_twice_is_an_error(client, regional, rosa):
    last = required_modules()[-1]
    line = f"Rosa Clarke,rosa@example.org,{last.title},2026-01-20,\n"

    response = upload(client, HEADINGS + line + line)

    assert response.context["preview"].rows[1].errors == [
        f"{last.title} for rosa@example.org is also in row 2: give it once"
    ]


def test_missing_columns_are_explained(client, regional):
    response = upload(client, "Name,Email\nRosa,rosa@example.org\n")

    assert "Missing: module, date" in response.content.decode()


@pytest.mark.parametrize("method", ["get", "post"])
def test_council_staff_with_back_office_access_cannot_import(client, council_staff, rosa, method):
    StaffRole.objects.filter(user=council_staff).update(admin_access=True)
    client.force_login(council_staff)
    last = required_modules()[-1]
    before = training_of(rosa)

    response = getattr(client, method)(
        IMPORT, {"file": csv_file(HEADINGS + f",rosa@example.org,{last.title},2026-01-20,\n")}
    )

    assert response.status_code == 403
    assert training_of(rosa) == before
