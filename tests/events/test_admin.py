"""The back office for events, used as organisers use it: setting events up,
the attendee list and waiting list, marking attendance, emailing everyone
booked, cancelling, and the bookings list; each kept to the person's scope."""

import csv
import datetime
import io

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from citizenleaders.models import StaffRole
from citizenleaders.roles import Role
from events import services
from events.models import Event, Registration
from leaders.models import Activity
from tests.citizenleaders.factories import UserFactory
from tests.conftest import log_in, make_person
from tests.events.factories import EventFactory, RegistrationFactory, in_days
from tests.leaders.factories import LeaderFactory, council

pytestmark = pytest.mark.django_db

LEEDS, BRADFORD, MANCHESTER = "E08000035", "E08000032", "E08000003"
EVENTS = "/admin/events/event/"
BOOKINGS = "/admin/events/registration/"


def page(name, event):
    return reverse(f"admin:events_event_{name}", kwargs={"object_id": event.pk})


def change_url(obj):
    return reverse(f"admin:events_{obj._meta.model_name}_change", args=[obj.pk])


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def listed(response):
    return list(response.context["cl"].result_list)


def csv_rows(response):
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def run_action(client, action, objects, **data):
    return client.post(
        BOOKINGS, {"action": action, "_selected_action": [obj.pk for obj in objects], **data}
    )


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    """Send the emails a request would send once it commits."""

    def run(request):
        with django_capture_on_commit_callbacks(execute=True):
            return request()

    return run


def sign_in(client, user):
    """Log in as a person would, and read the "logged in" message."""
    log_in(client, user)
    client.get("/admin/")


@pytest.fixture
def national(client, national_coordinator):
    sign_in(client, national_coordinator)
    return national_coordinator


@pytest.fixture
def regional(client, regional_coordinator):
    sign_in(client, regional_coordinator)
    return regional_coordinator


@pytest.fixture
def council_staff_admin(db):
    """Council staff of Leeds who may use the back office (read-only)."""
    person = make_person(Role.COUNCIL_STAFF)
    StaffRole.objects.filter(user=person).update(admin_access=True)
    return person


def event_in(gss_code, **kwargs):
    place = council(gss_code)
    return EventFactory(region=place.region, host_council=place, **kwargs)


def started_event(**kwargs):
    start = timezone.now() - datetime.timedelta(hours=2)
    return EventFactory(start=start, end=start + datetime.timedelta(hours=5), **kwargs)


def waiting(event, **kwargs):
    return RegistrationFactory(
        event=event,
        status=Registration.Status.WAITING,
        confirmed_at=None,
        waiting_since=timezone.now(),
        **kwargs,
    )


def form_data(event, **changes):
    """What the event's page posts back, with ``changes``."""
    local = {
        name: timezone.localtime(getattr(event, name))
        for name in ("start", "end", "booking_opens", "booking_closes")
        if getattr(event, name)
    }
    data = {
        "title": event.title,
        "slug": event.slug,
        "kind": event.kind,
        "audience": event.audience,
        "summary": event.summary,
        "description": event.description,
        "region": event.region_id,
        "host_council": event.host_council_id or "",
        "host_ulo": event.host_ulo_id or "",
        "joining_link": event.joining_link,
        "venue_name": event.venue_name,
        "venue_address": event.venue_address,
        "venue_postcode": event.venue_postcode,
        "travel_directions": event.travel_directions,
        "access_features": event.access_features,
        "access_notes": event.access_notes,
        "capacity": "" if event.capacity is None else event.capacity,
        "status": event.status,
    }
    if event.pk:
        data["organisers"] = [user.pk for user in event.organisers.all()]
        data["co_organisers"] = [leader.pk for leader in event.co_organisers.all()]
        data["invited"] = "\n".join(user.email for user in event.invited.all())
    for name in ("start", "end", "booking_opens", "booking_closes"):
        moment = local.get(name)
        data[f"{name}_0"] = f"{moment:%d/%m/%Y}" if moment else ""
        data[f"{name}_1"] = f"{moment:%H:%M}" if moment else ""
    if event.online:
        data["online"] = "on"
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


# Scope -------------------------------------------------------------------------------------


def test_a_regional_coordinator_sees_only_their_regions_events_and_bookings(client, regional):
    own = event_in(LEEDS, title="Leeds regional meeting")
    other = event_in(MANCHESTER, title="Manchester regional meeting")
    own_booking = RegistrationFactory(event=own)
    other_booking = RegistrationFactory(event=other)

    assert listed(client.get(EVENTS)) == [own]
    assert listed(client.get(BOOKINGS)) == [own_booking]
    for url in (
        change_url(other),
        page("attendees", other),
        page("attendees_csv", other),
        page("email", other),
        page("cancel", other),
        change_url(other_booking),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(page("attendees", other), {}).status_code == 404
    assert client.post(page("cancel", other), {"reason": "Gone"}).status_code == 404
    for url in (change_url(own), page("attendees", own), page("attendees_csv", own)):
        assert client.get(url).status_code == 200, url
    other.refresh_from_db()
    assert other.status == Event.Status.PUBLISHED


def test_a_regional_coordinator_may_choose_only_their_own_region(client, regional):
    form = client.get(f"{EVENTS}add/").context["adminform"].form

    assert [str(region) for region in form.fields["region"].queryset] == [
        "Yorkshire and The Humber"
    ]
    assert form.initial["region"] == council(LEEDS).region_id

    data = form_data(
        EventFactory.build(region=council(MANCHESTER).region, host_council=None, slug="")
    )
    response = client.post(f"{EVENTS}add/", data)

    assert response.status_code == 200
    assert "region" in response.context["adminform"].form.errors
    assert not Event.objects.exists()


def test_council_staff_see_the_events_their_council_hosts_read_only(
    client, council_staff_admin, commits
):
    own = started_event(host_council=council(LEEDS), title="Hosted by Leeds")
    other = event_in(BRADFORD, title="Hosted by Bradford")
    booking = RegistrationFactory(event=own)
    RegistrationFactory(event=other)
    sign_in(client, council_staff_admin)

    assert listed(client.get(EVENTS)) == [own]
    assert listed(client.get(BOOKINGS)) == [booking]
    assert client.get(change_url(other)).status_code == 404
    assert client.get(page("attendees", other)).status_code == 404
    assert client.get(page("attendees_csv", other)).status_code == 404

    event_page = client.get(change_url(own)).content.decode()
    assert 'name="_save"' not in event_page
    assert page("attendees", own) in event_page
    assert page("email", own) not in event_page
    assert page("cancel", own) not in event_page
    attendees = client.get(page("attendees", own)).content.decode()
    assert booking.user.email in attendees
    assert 'name="registrations"' not in attendees  # no marking
    assert "Mark as attended" not in attendees
    assert page("email", own) not in attendees
    assert client.get(page("attendees_csv", own)).status_code == 200

    marking = commits(
        lambda: client.post(
            page("attendees", own), {"registrations": [booking.pk], "attendance": "attended"}
        )
    )
    emailing = commits(
        lambda: client.post(page("email", own), {"subject": "Hi", "message": "Hello", "send": "1"})
    )
    cancelling = commits(lambda: client.post(page("cancel", own), {"reason": "No room"}))
    action = run_action(client, "mark_attended", [booking], post="yes")

    assert (marking.status_code, emailing.status_code, cancelling.status_code) == (403, 403, 403)
    assert "mark_attended" not in client.get(BOOKINGS).content.decode()
    assert action.status_code == 302  # back to the list: there is no such action for them
    booking.refresh_from_db()
    own.refresh_from_db()
    assert booking.attendance == Registration.Attendance.UNKNOWN
    assert own.status == Event.Status.PUBLISHED
    assert mail.outbox == []


def test_people_without_events_permissions_cannot_see_the_pages(client):
    event = EventFactory()
    staff = make_person(Role.COUNCIL_STAFF)  # without back-office access
    log_in(client, staff)

    for url in (EVENTS, page("attendees", event), page("attendees_csv", event)):
        assert client.get(url).status_code == 403, url


# What people agreed to share -----------------------------------------------------------------


def booking_with_needs(event, *, share):
    return RegistrationFactory(
        event=event,
        user=UserFactory(full_name="Sam Shared" if share else "Pat Private"),
        access_requirements=["bsl"],
        access_details="Needs a chair with arms" if share else "Uses a white cane",
        dietary_needs="Vegan" if share else "No gluten",
        bringing_assistant=True,
        share_needs=share,
    )


def test_access_needs_are_shown_only_when_the_person_agreed_to_share_them(client, regional):
    event = EventFactory()
    booking_with_needs(event, share=True)
    booking_with_needs(event, share=False)

    attendees = client.get(page("attendees", event)).content.decode()
    bookings = client.get(BOOKINGS).content.decode()
    rows = csv_rows(client.get(page("attendees_csv", event)))

    for content in (attendees, bookings):
        assert "British Sign Language (BSL) interpreter" in content
        assert "Vegan" in content
        assert "Not shared" in content
        assert "No gluten" not in content
        assert "Uses a white cane" not in content
    assert "Needs a chair with arms" in attendees
    assert rows[1:] == [
        [
            "Pat Private",
            rows[1][1],
            rows[1][2],
            "Yes",
            "Not shared",
            "Not shared",
            "Not shared",
            "Not recorded",
        ],
        [
            "Sam Shared",
            rows[2][1],
            rows[2][2],
            "Yes",
            "British Sign Language (BSL) interpreter",
            "Needs a chair with arms",
            "Vegan",
            "Not recorded",
        ],
    ]


def test_council_staff_read_shared_needs_only_for_events_they_organise(client, council_staff_admin):
    event = EventFactory(host_council=council(LEEDS))
    booking_with_needs(event, share=True)
    sign_in(client, council_staff_admin)

    before = client.get(page("attendees", event)).content.decode()
    before_csv = client.get(page("attendees_csv", event)).content.decode()
    before_list = client.get(BOOKINGS).content.decode()
    event.organisers.add(council_staff_admin)
    after = client.get(page("attendees", event)).content.decode()

    for content in (before, before_csv, before_list):
        assert "Vegan" not in content
        assert "Needs a chair with arms" not in content
        assert "Not shared" in content
    assert "Vegan" in after
    assert "Needs a chair with arms" in after


# Attendance --------------------------------------------------------------------------------


def test_marking_attended_records_one_verified_activity_for_each_leader(client, regional):
    event = started_event()
    attendee = LeaderFactory()
    helper = LeaderFactory()
    member = UserFactory()
    event.co_organisers.add(helper)
    bookings = [
        RegistrationFactory(event=event, user=attendee.user),
        RegistrationFactory(event=event, user=helper.user),
        RegistrationFactory(event=event, user=member),
    ]
    mark = {"registrations": [b.pk for b in bookings], "attendance": "attended"}

    response = client.post(page("attendees", event), mark)
    client.post(page("attendees", event), mark)  # again: adds nothing

    assert response.status_code == 302
    assert response["Location"] == page("attendees", event)
    assert messages_of(response) == [
        "Marked 3 people as attended. 2 Citizen Leaders among them have it in their "
        "activity log, verified."
    ]
    assert [b.attendance for b in Registration.objects.filter(event=event)] == ["attended"] * 3
    [attended] = Activity.objects.filter(leader=attendee)
    [helped] = Activity.objects.filter(leader=helper)
    assert attended.get_kind_display() == "Attended a regional meeting"
    assert helped.get_kind_display() == "Helped plan an event"
    assert attended.status == helped.status == Activity.Status.VERIFIED
    assert attended.checked_by == regional
    assert Activity.objects.count() == 2


def test_marking_absent_removes_the_activity(client, regional):
    event = started_event()
    leader = LeaderFactory()
    booking = RegistrationFactory(event=event, user=leader.user)
    client.post(
        page("attendees", event),
        {"registrations": [booking.pk], "attendance": "attended"},
        follow=True,
    )
    assert Activity.objects.filter(leader=leader).count() == 1

    response = client.post(
        page("attendees", event), {"registrations": [booking.pk], "attendance": "absent"}
    )

    assert messages_of(response) == [
        "Marked 1 person as did not attend. The activity recorded for attending is removed "
        "from their log."
    ]
    booking.refresh_from_db()
    assert booking.attendance == Registration.Attendance.ABSENT
    assert booking.activity is None
    assert not Activity.objects.filter(leader=leader).exists()


def test_attendance_is_marked_only_once_the_event_has_started(client, regional):
    event = EventFactory(start=in_days(3))
    booking = RegistrationFactory(event=event, user=LeaderFactory().user)

    attendees = client.get(page("attendees", event)).content.decode()
    response = client.post(
        page("attendees", event), {"registrations": [booking.pk], "attendance": "attended"}
    )

    assert "You can mark who attended once the event has started" in attendees
    assert 'name="registrations"' not in attendees
    assert response.status_code == 200
    assert "<title>Error: " in response.content.decode()
    assert "You can mark who attended once the event has started" in response.content.decode()
    booking.refresh_from_db()
    assert booking.attendance == Registration.Attendance.UNKNOWN
    assert not Activity.objects.exists()


def test_marking_needs_people_and_a_choice(client, regional):
    event = started_event()
    RegistrationFactory(event=event)

    response = client.post(page("attendees", event), {"attendance": ""})

    content = response.content.decode()
    assert "Select the people to mark" in content
    assert "Choose whether they attended or did not attend" in content


def test_bookings_are_marked_attended_from_the_list_after_confirming(client, regional):
    event = started_event()
    leader = LeaderFactory()
    booking = RegistrationFactory(event=event, user=leader.user)
    someone_waiting = waiting(event)

    confirm = run_action(client, "mark_attended", [booking, someone_waiting])

    assert confirm.status_code == 200
    content = confirm.content.decode()
    assert "This person will be marked as attended." in content
    assert "1 other booking you chose is not a confirmed place" in content
    assert not Activity.objects.exists()  # nothing yet

    done = run_action(client, "mark_attended", [booking, someone_waiting], post="yes")
    run_action(client, "mark_attended", [booking], post="yes")

    assert messages_of(done) == ["Marked 1 person as attended."]
    booking.refresh_from_db()
    someone_waiting.refresh_from_db()
    assert booking.attendance == Registration.Attendance.ATTENDED
    assert someone_waiting.attendance == Registration.Attendance.UNKNOWN
    assert Activity.objects.filter(leader=leader, status=Activity.Status.VERIFIED).count() == 1

    run_action(client, "mark_absent", [booking], post="yes")
    booking.refresh_from_db()
    assert booking.attendance == Registration.Attendance.ABSENT
    assert not Activity.objects.exists()


def test_bookings_cannot_be_added_or_deleted_in_the_back_office(client, national):
    booking = RegistrationFactory()

    assert client.get(f"{BOOKINGS}add/").status_code == 403
    assert (
        client.get(reverse("admin:events_registration_delete", args=[booking.pk])).status_code
        == 403
    )
    assert 'name="_save"' not in client.get(change_url(booking)).content.decode()


# Cancelling --------------------------------------------------------------------------------


def test_cancelling_emails_everyone_booked_or_waiting(client, regional, commits):
    event = EventFactory(capacity=1, title="Leeds regional meeting")
    booked = RegistrationFactory(event=event)
    in_line = waiting(event)

    event_page = client.get(change_url(event)).content.decode()
    confirm = client.get(page("cancel", event)).content.decode()
    missing = commits(lambda: client.post(page("cancel", event), {"reason": " "}))

    assert f'href="{page("cancel", event)}"' in event_page
    assert "We will email the 1 person with a place and the 1 person on the waiting list" in (
        confirm
    )
    assert "Enter why the event is cancelled" in missing.content.decode()
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED
    assert mail.outbox == []

    response = commits(
        lambda: client.post(page("cancel", event), {"reason": "The venue has flooded."})
    )

    assert response.status_code == 302
    assert messages_of(response) == [
        "“Leeds regional meeting” is cancelled. We have emailed the 2 people who had booked."
    ]
    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED
    assert event.cancel_reason == "The venue has flooded."
    assert sorted(email.to[0] for email in mail.outbox) == sorted(
        [booked.user.email, in_line.user.email]
    )
    assert all("The venue has flooded." in email.body for email in mail.outbox)
    assert client.get(page("cancel", event)).content.decode().count("already cancelled") == 1


def test_the_event_form_cannot_cancel_an_event(client, regional):
    event = EventFactory()
    form = client.get(change_url(event)).context["adminform"].form

    response = client.post(change_url(event), form_data(event, status="cancelled"))

    assert [str(value) for value, _ in form.fields["status"].choices] == ["draft", "published"]
    assert "status" in response.context["adminform"].form.errors
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED


# Emailing everyone booked --------------------------------------------------------------------


def test_everyone_with_a_place_is_emailed_after_confirming(client, regional, commits):
    event = EventFactory(capacity=2)
    booked = [RegistrationFactory(event=event), RegistrationFactory(event=event)]
    waiting(event)
    message = {"subject": "Bring your lunch", "message": "The café is closed on the day."}

    empty = client.post(page("email", event), {"subject": "", "message": ""})
    confirm = commits(lambda: client.post(page("email", event), message))

    empty_page = empty.content.decode()
    assert "<title>Error: " in empty_page
    assert "Enter the subject of the email" in empty_page
    assert "Enter the message" in empty_page
    assert "We will email this to the 2 people with a confirmed place" in confirm.content.decode()
    assert mail.outbox == []

    response = commits(lambda: client.post(page("email", event), {**message, "send": "Send"}))

    assert response.status_code == 302
    assert response["Location"] == page("attendees", event)
    assert messages_of(response) == [
        "We have emailed “Bring your lunch” to the 2 people with a place."
    ]
    assert sorted(email.to for email in mail.outbox) == sorted(
        [[registration.user.email] for registration in booked]
    )
    assert {email.subject for email in mail.outbox} == {"Bring your lunch"}
    assert all("The café is closed on the day." in email.body for email in mail.outbox)


def test_nobody_to_email_is_explained(client, regional):
    event = EventFactory()

    response = client.post(page("email", event), {"subject": "Hi", "message": "Hello", "send": "1"})

    assert "Nobody has a confirmed place yet" in response.content.decode()
    assert mail.outbox == []


# The attendee list and its CSV ---------------------------------------------------------------


def test_the_attendee_list_shows_places_and_the_waiting_list_in_order(client, regional):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event, user=UserFactory(full_name="Ada Booked"))
    first = waiting(event, user=UserFactory(full_name="Bea First"))
    second = waiting(event, user=UserFactory(full_name="Cal Second"))
    Registration.objects.filter(pk=first.pk).update(waiting_since=in_days(-2))
    Registration.objects.filter(pk=second.pk).update(waiting_since=in_days(-1))

    response = client.get(page("attendees", event))

    content = response.content.decode()
    assert "1 of 1 place taken." in content
    assert "Confirmed places (1)" in content
    assert "Waiting list (2)" in content
    assert [r.user.full_name for r in response.context["waiting"]] == ["Bea First", "Cal Second"]
    assert content.index("Bea First") < content.index("Cal Second")
    # The organisers' daily summary links here.
    assert services.organiser_summary(event)["event_url"].endswith(page("attendees", event))


def test_the_attendee_csv_has_a_row_per_confirmed_place(client, regional):
    event = started_event()
    person = UserFactory(full_name="=HYPERLINK(1)", email="ada@example.org")
    booking = RegistrationFactory(event=event, user=person, bringing_assistant=True)
    waiting(event)
    RegistrationFactory(
        event=event,
        status=Registration.Status.CANCELLED,
        confirmed_at=None,
        cancelled_at=timezone.now(),
    )
    client.post(page("attendees", event), {"registrations": [booking.pk], "attendance": "absent"})

    response = client.get(page("attendees_csv", event))

    assert response["Content-Disposition"] == f'attachment; filename="attendees-{event.slug}.csv"'
    rows = csv_rows(response)
    confirmed_at = timezone.localtime(booking.confirmed_at).strftime("%Y-%m-%d %H:%M")
    assert rows == [
        [
            "Name",
            "Email address",
            "Place confirmed",
            "Bringing a personal assistant or support worker",
            "Access requirements",
            "Other access requirements",
            "Dietary needs",
            "Attendance",
        ],
        [
            "'=HYPERLINK(1)",
            "ada@example.org",
            confirmed_at,
            "Yes",
            "Not shared",
            "Not shared",
            "Not shared",
            "Did not attend",
        ],
    ]


def test_the_bookings_csv_export_follows_the_sharing_rule(client, regional):
    event = EventFactory()
    shared = booking_with_needs(event, share=True)
    private = booking_with_needs(event, share=False)

    response = client.post(
        BOOKINGS, {"action": "export_as_csv", "_selected_action": [shared.pk, private.pk]}
    )

    rows = csv_rows(response)
    header = rows[0]
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert by_name["Sam Shared"]["Dietary needs"] == "Vegan"
    assert by_name["Pat Private"]["Dietary needs"] == "Not shared"
    assert by_name["Pat Private"]["Other access requirements"] == "Not shared"
    assert "Uses a white cane" not in response.content.decode()


# The event form ----------------------------------------------------------------------------


def test_a_national_coordinator_sets_up_an_event(client, national):
    organiser = make_person(Role.REGIONAL_COORDINATOR)
    guest = UserFactory(email="guest@example.org")
    draft = EventFactory.build(
        title="Planning day",
        slug="",
        online=True,
        joining_link="https://meet.example.org/planning",
        venue_name="",
        status=Event.Status.DRAFT,
        audience=Event.Audience.INVITED,
        start=in_days(20, 10),
        end=in_days(20, 12),
    )
    data = form_data(
        draft,
        access_features=["bsl", "easy_read"],
        organisers=[organiser.pk],
        invited="Guest@example.org\n",
    )

    response = client.post(f"{EVENTS}add/", data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    event = Event.objects.get(title="Planning day")
    assert event.access_features == ["bsl", "easy_read"]
    assert list(event.organisers.all()) == [organiser]
    assert list(event.invited.all()) == [guest]
    assert timezone.localtime(event.start).hour == 10
    assert event.slug.endswith("-planning-day")
    page_content = client.get(change_url(event)).content.decode()
    assert "guest@example.org" in page_content


def test_only_staff_accounts_can_be_staff_organisers(client, regional):
    event = EventFactory()
    colleague = make_person(Role.COUNCIL_STAFF)
    member = UserFactory()

    form = client.get(change_url(event)).context["adminform"].form
    response = client.post(change_url(event), form_data(event, organisers=[member.pk]))

    offered = set(form.fields["organisers"].queryset)
    assert colleague in offered and member not in offered
    assert "organisers" in response.context["adminform"].form.errors
    assert not event.organisers.exists()


def test_an_unknown_invited_email_is_explained(client, regional):
    event = EventFactory()

    response = client.post(change_url(event), form_data(event, invited="nobody@example.org"))

    assert (
        "There is no account with the email address nobody@example.org" in response.content.decode()
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"end_0": "01/01/2020", "end_1": "09:00"},
            "end",
            "The end must be after the start",
        ),
        (
            {"online": "on", "joining_link": "", "venue_name": ""},
            "joining_link",
            "Enter the joining link for an online event",
        ),
        ({"venue_name": ""}, "venue_name", "Enter the venue for an event in person"),
        (
            {"capacity": "1"},
            "capacity",
            "The number of places cannot be less than the 2 places already taken",
        ),
        (
            {"host_council": lambda: council(MANCHESTER).pk},
            "host_council",
            "Choose a council in Yorkshire and The Humber",
        ),
    ],
    ids=["end-before-start", "online-without-link", "no-venue", "capacity", "council"],
)
def test_an_invalid_event_is_explained_and_not_saved(client, national, changes, field, message):
    event = EventFactory(title="Unchanged")
    RegistrationFactory(event=event)
    RegistrationFactory(event=event)
    event.refresh_from_db()
    before = Event.objects.values().get(pk=event.pk)
    changes = {key: value() if callable(value) else value for key, value in changes.items()}

    response = client.post(change_url(event), form_data(event, title="Changed", **changes))

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in " ".join(errors.get(field, [])), errors
    assert "<title>Error: " in response.content.decode() or "errornote" in (
        response.content.decode()
    )
    assert Event.objects.values().get(pk=event.pk) == before


def test_an_event_with_bookings_cannot_go_back_to_draft(client, national):
    event = EventFactory()
    RegistrationFactory(event=event)

    response = client.post(change_url(event), form_data(event, status="draft"))

    assert "cannot go back to being a draft" in " ".join(
        response.context["adminform"].form.errors["status"]
    )
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED


def test_raising_the_capacity_gives_places_to_people_waiting(client, regional, commits):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)
    first = waiting(event)
    second = waiting(event)
    Registration.objects.filter(pk=first.pk).update(waiting_since=in_days(-2))
    event.refresh_from_db()

    response = commits(lambda: client.post(change_url(event), form_data(event, capacity="2")))

    assert response.status_code == 302
    assert "1 person from the waiting list now has a place. We have emailed them." in (
        messages_of(response)
    )
    event.refresh_from_db()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (event.capacity, event.places_taken) == (2, 2)
    assert first.status == Registration.Status.CONFIRMED
    assert second.status == Registration.Status.WAITING
    assert [email.to for email in mail.outbox] == [[first.user.email]]


def test_saving_an_event_keeps_the_places_taken_meanwhile(client, national):
    event = EventFactory(capacity=5)
    data = form_data(event, title="Renamed")
    RegistrationFactory(event=event)  # booked while the form was open

    client.post(change_url(event), data)

    event.refresh_from_db()
    assert (event.title, event.places_taken) == ("Renamed", 1)


# The list ----------------------------------------------------------------------------------


def test_the_event_list_shows_places_and_waiting_without_a_query_per_row(client, national):
    event = EventFactory(capacity=1, title="Busy meeting")
    RegistrationFactory(event=event)
    waiting(event)
    waiting(event)

    with CaptureQueriesContext(connection) as few:
        response = client.get(EVENTS)
    content = response.content.decode()
    assert "1 of 1" in content
    assert ">2<" in content
    for _ in range(5):
        EventFactory()
    with CaptureQueriesContext(connection) as many:
        client.get(EVENTS)

    assert len(many) == len(few)


def test_a_cancelled_event_stays_cancelled_when_its_details_are_corrected(client, national):
    event = EventFactory()
    Event.objects.filter(pk=event.pk).update(
        status=Event.Status.CANCELLED, cancelled_at=timezone.now(), cancel_reason="Flooded"
    )
    event.refresh_from_db()

    form = client.get(change_url(event)).context["adminform"].form
    response = client.post(change_url(event), form_data(event, title="Corrected", status="draft"))

    assert "status" not in form.fields
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.title, event.status, event.cancel_reason) == (
        "Corrected",
        Event.Status.CANCELLED,
        "Flooded",
    )


def test_an_event_with_bookings_cannot_be_deleted(client, national):
    booked = EventFactory()
    RegistrationFactory(event=booked)
    empty = EventFactory()

    assert client.get(reverse("admin:events_event_delete", args=[booked.pk])).status_code == 403
    assert client.post(reverse("admin:events_event_delete", args=[empty.pk]), {"post": "yes"})
    assert not Event.objects.filter(pk=empty.pk).exists()


def test_helpers_from_another_region_are_kept_when_a_regional_coordinator_saves(client, regional):
    event = EventFactory()
    from_elsewhere = LeaderFactory(local_authority=council(MANCHESTER))
    event.co_organisers.add(from_elsewhere)

    response = client.post(change_url(event), form_data(event, title="Renamed"))

    assert response.status_code == 302
    assert list(event.co_organisers.all()) == [from_elsewhere]
