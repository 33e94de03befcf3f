"""The audit history: who changed what and when on applications, leaders,
training records, activities, bookings, ULOs and awards; visible to
coordinators in scope, read-only, and erased with the person's data."""

import datetime

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from citizenleaders.models import StaffRole
from citizenleaders.roles import Role
from events import services as booking
from events.models import Registration
from leaders.models import Activity, Application, Leader, Module, TrainingRecord
from leaders.services.participation import (
    ERASED_REASON,
    activity_update,
    application_erase_expired,
    person_erase,
)
from leaders.services.review import training_records_create_for_module
from tests.citizenleaders.test_admin_scope import MANCHESTER, RECORDS
from tests.conftest import PASSWORD, make_person
from tests.events.factories import EventFactory, in_days
from tests.leaders.factories import (
    ActivityFactory,
    ApplicationFactory,
    LeaderFactory,
    TrainingRecordFactory,
    council,
)
from tests.leaders.test_me import activity_answers, profile_answers
from ulos.models import Award, Ulo

pytestmark = pytest.mark.django_db

TRACKED = [Application, Leader, TrainingRecord, Activity, Registration, Ulo, Award]
LEEDS = "E08000035"


def label(model):
    return model._meta.label_lower


def history_url(obj, *version):
    opts = obj._meta
    name = "history_version" if version else "history"
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{name}", args=[obj.pk, *version])


def historical_rows():
    """Every row of every historical table (m2m copies too), as text."""
    return [
        str(row)
        for model in apps.get_models()
        if model.__name__.startswith("Historical")
        for row in model.objects.values()
    ]


@pytest.fixture
def council_staff_admin(db):
    person = make_person(Role.COUNCIL_STAFF)
    StaffRole.objects.filter(user=person).update(admin_access=True)
    return person


# Who and what ------------------------------------------------------------------------------


def test_a_change_in_the_back_office_records_who_and_what(client, national_coordinator):
    record = TrainingRecordFactory(
        leader=LeaderFactory(local_authority=council(LEEDS)),
        status="not_started",
        completed_on=None,
        trainer="Sam Trainer",
    )
    client.force_login(national_coordinator)
    change = reverse("admin:leaders_trainingrecord_change", args=[record.pk])

    response = client.post(
        change,
        {
            "status": "booked",
            "session_date": "2027-01-12",
            "completed_on": "",
            "trainer": "Priya Trainer",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    latest = record.history.first()
    assert latest.history_user == national_coordinator
    assert latest.history_type == "~"
    assert {change.field for change in latest.diff_against(latest.prev_record).changes} == {
        "status",
        "session_date",
        "trainer",
    }
    page = client.get(history_url(record))
    content = page.content.decode()
    assert page.status_code == 200
    assert national_coordinator.get_full_name() in content
    assert "Sam Trainer → Priya Trainer" in content
    assert "Not started → Booked" in content  # choices by their labels
    assert '<th scope="col">What changed</th>' in content


def test_a_change_on_the_site_records_the_person_who_made_it(client):
    leader = make_person(Role.LEADER, full_name="Ada Lovelace").leader
    client.force_login(leader.user)

    client.post(reverse("leaders:profile"), profile_answers(access_needs="A quiet room"))
    client.post(reverse("leaders:activity_add"), activity_answers())

    latest = leader.history.first()
    assert latest.history_user == leader.user
    assert latest.access_needs == "A quiet room"
    assert "access_needs" in {c.field for c in latest.diff_against(latest.prev_record).changes}
    activity = leader.activities.get()
    assert activity.history.get().history_user == leader.user
    assert activity.history.get().history_type == "+"


def test_changes_made_by_a_service_without_a_request_record_nobody(client, national_coordinator):
    activity = ActivityFactory(status=Activity.Status.QUERIED)

    activity_update(activity=activity, description="What we talked about")

    latest = activity.history.first()
    assert latest.history_user is None
    assert latest.description == "What we talked about"
    client.force_login(national_coordinator)
    assert "Nobody signed in (the system)" in client.get(history_url(activity)).content.decode()


def test_training_records_made_in_bulk_have_their_first_version(national_coordinator):
    leaders = LeaderFactory.create_batch(2)
    module = Module.objects.create(title="A new module", slug="a-new-module")

    assert training_records_create_for_module(module=module) == 2

    for leader in leaders:
        record = TrainingRecord.objects.get(leader=leader, module=module)
        assert record.history.get().history_type == "+"


def test_marking_attendance_is_in_the_bookings_history(client, national_coordinator):
    event = EventFactory(start=in_days(-1), end=in_days(-1, hour=12))
    person = make_person(Role.MEMBER)
    registration = Registration.objects.create(
        event=event, user=person, status="confirmed", confirmed_at=timezone.now()
    )
    client.force_login(national_coordinator)

    client.post(
        reverse("admin:events_registration_changelist"),
        {"action": "mark_attended", "_selected_action": [registration.pk], "post": "yes"},
    )

    latest = registration.history.first()
    assert latest.attendance == "attended"
    assert latest.history_user == national_coordinator


# Who may see it ------------------------------------------------------------------------------


@pytest.mark.parametrize("model", TRACKED, ids=label)
def test_only_coordinators_in_scope_see_the_history(
    client, model, regional_coordinator, national_coordinator, council_staff_admin
):
    own = RECORDS[label(model)](LEEDS)
    other = RECORDS[label(model)](MANCHESTER)
    version = other.history.first().history_id
    own_version = own.history.first().history_id

    client.force_login(regional_coordinator)
    assert client.get(history_url(other)).status_code == 404
    assert client.get(history_url(other, version)).status_code == 404
    assert client.get(history_url(own)).status_code == 200
    assert client.get(history_url(own, own_version)).status_code == 200
    # A version of another record, under this record's address, is not found.
    assert client.get(history_url(own, version)).status_code == 404

    client.force_login(council_staff_admin)
    assert client.get(history_url(own)).status_code == 403
    assert client.get(history_url(own, own_version)).status_code == 403

    client.force_login(national_coordinator)
    assert client.get(history_url(other)).status_code == 200
    page = client.get(history_url(other, version))
    assert page.status_code == 200
    assert '<th scope="row">' in page.content.decode()


def test_council_staff_never_see_private_fields_through_history(client, council_staff_admin):
    leader = LeaderFactory(
        local_authority=council(LEEDS), in_directory=True, access_needs="Step-free (private)"
    )
    client.force_login(council_staff_admin)

    assert client.get(reverse("admin:leaders_leader_change", args=[leader.pk])).status_code == 200
    for url in (history_url(leader), history_url(leader, leader.history.first().history_id)):
        response = client.get(url)
        assert response.status_code == 403
        assert "Step-free (private)" not in response.content.decode()


def test_the_history_button_is_shown_only_to_people_who_may_open_it(
    client, council_staff_admin, national_coordinator
):
    leader = LeaderFactory(local_authority=council(LEEDS), in_directory=True)
    change_page = reverse("admin:leaders_leader_change", args=[leader.pk])

    client.force_login(council_staff_admin)
    staff_page = client.get(change_page).content.decode()
    client.force_login(national_coordinator)
    coordinator_page = client.get(change_page).content.decode()

    assert history_url(leader) not in staff_page
    assert f'href="{history_url(leader)}"' in coordinator_page


def test_the_history_page_links_each_version_to_its_page(client, national_coordinator):
    leader = LeaderFactory(phone="0113 496 0000")
    leader.phone = "0113 496 0001"
    leader.save()
    client.force_login(national_coordinator)

    content = client.get(history_url(leader)).content.decode()

    for record in leader.history.all():
        assert history_url(leader, record.history_id) in content
    first = leader.history.last()
    version = client.get(history_url(leader, first.history_id)).content.decode()
    assert "0113 496 0000" in version
    assert "0113 496 0001" not in version


def test_nothing_can_be_reverted_from_the_history(client, national_coordinator):
    leader = LeaderFactory(phone="0113 496 0000", local_authority=council(LEEDS))
    first = leader.history.get()
    leader.phone = "0113 496 0001"
    leader.save()
    client.force_login(national_coordinator)
    model_admin = admin.site._registry[Leader]

    version_page = client.get(history_url(leader, first.history_id)).content.decode()
    response = client.post(
        history_url(leader, first.history_id),
        {"phone": "0113 496 0000", "local_authority": leader.local_authority_id, "_save": "1"},
    )

    assert "<form" not in version_page.split('id="content-main"')[1]
    assert "Revert" not in version_page
    assert response.status_code == 405
    leader.refresh_from_db()
    assert leader.phone == "0113 496 0001"
    assert leader.history.count() == 2
    assert model_admin.revert_disabled(None, leader)
    # simple-history's own revert address is not there at all.
    assert not any("simple_history" in (pattern.name or "") for pattern in model_admin.get_urls())


def test_a_ulos_history_shows_the_councils_it_serves(client, national_coordinator):
    ulo = RECORDS["ulos.ulo"](LEEDS)
    ulo.local_authorities.add(council("E08000032"))
    client.force_login(national_coordinator)

    content = client.get(history_url(ulo)).content.decode()

    assert "Councils served" in content
    assert "Bradford" in content


# Erasure ------------------------------------------------------------------------------------


NAME = "Grace Hopperington"
EMAIL = "grace.hopperington@example.org"
SECRETS = [
    NAME,
    EMAIL,
    "07700 900 555",
    "Needs a hearing loop (private)",
    "I tell councils about carers (bio)",
    "My experience of direct payments",
    "Talked to the council about transport",
    "Gluten free (booking)",
    "A BSL interpreter (booking)",
    "Knitting and Welsh",
]


def test_closing_an_account_leaves_nothing_of_the_person_in_the_history(client):
    user = make_person(Role.LEADER, full_name=NAME, email=EMAIL)
    leader = user.leader
    application = ApplicationFactory(
        user=user,
        status="accepted",
        submitted_at=timezone.now(),
        full_name=NAME,
        phone="07700 900 555",
        access_needs="Needs a hearing loop (private)",
        support_experience="My experience of direct payments",
        other_skills="Knitting and Welsh",
    )
    leader.application = application
    leader.phone = "07700 900 555"
    leader.bio = "I tell councils about carers (bio)"
    leader.access_needs = "Needs a hearing loop (private)"
    leader.save()
    activity = ActivityFactory(leader=leader, description="Talked to the council about transport")
    deleted = ActivityFactory(leader=leader, description="Talked to the council about transport")
    deleted.delete()  # its last version stays in the history until erasure
    TrainingRecordFactory(leader=leader, trainer="Sam Trainer")
    past = EventFactory(start=in_days(-3), end=in_days(-3, hour=12))
    Registration.objects.create(
        event=past,
        user=user,
        status="confirmed",
        confirmed_at=timezone.now(),
        dietary_needs="Gluten free (booking)",
        access_details="A BSL interpreter (booking)",
        attendance="attended",
    )
    assert any(secret in row for row in historical_rows() for secret in SECRETS)
    client.force_login(user)

    client.post(reverse("leaders:close"), {"password": PASSWORD})

    user.refresh_from_db()
    assert not user.is_active  # the account was closed
    rows = historical_rows()
    for secret in SECRETS:
        assert not [row for row in rows if secret in row], secret
    # What stays keeps one version, anonymised, saying why.
    for obj in (leader, application, activity):
        versions = list(obj.history.all())
        assert [version.history_change_reason for version in versions] == [ERASED_REASON]
    assert not Activity.history.filter(id=deleted.pk).exists()
    booking = Registration.objects.get(user=user)
    assert booking.attendance == "attended"  # the figures stay
    assert booking.history.get().dietary_needs == ""


def test_closing_an_account_gives_up_places_at_events_to_come(client, mailoutbox):
    event = EventFactory(capacity=1, start=in_days(10), end=in_days(10, hour=12))
    leaving, waiting = make_person(Role.MEMBER), make_person(Role.MEMBER)
    mine = booking.registration_create(event=event, user=leaving, dietary_needs="Vegan")
    theirs = booking.registration_create(event=event, user=waiting)
    assert (mine.status, theirs.status) == ("confirmed", "waiting")

    person_erase(user=leaving)

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.status == "cancelled"
    assert mine.dietary_needs == ""
    assert theirs.status == "confirmed"
    event.refresh_from_db()
    assert event.places_taken == 1


def test_erased_applications_leave_no_history():
    application = ApplicationFactory(
        status="declined",
        submitted_at=timezone.now() - datetime.timedelta(days=500),
        decided_at=timezone.now() - datetime.timedelta(days=400),
        full_name="Declined Person",
    )
    application.notes = "Internal note"
    application.save()
    kept = ApplicationFactory(status="submitted", submitted_at=timezone.now())
    assert Application.history.filter(id=application.pk).count() == 2

    assert application_erase_expired(older_than_days=365) == 1

    assert not Application.history.filter(id=application.pk).exists()
    assert not [row for row in historical_rows() if "Declined Person" in row]
    assert Application.history.filter(id=kept.pk).exists()


def test_a_deleted_draft_leaves_no_history():
    member = make_person(Role.MEMBER)
    draft = ApplicationFactory(
        user=member, status="draft", submitted_at=None, full_name="Drafty McDraft"
    )

    person_erase(user=member)

    assert not Application.objects.filter(pk=draft.pk).exists()
    assert not Application.history.filter(id=draft.pk).exists()
