"""The public events pages: who sees which events, the filters, pages of
results, an event's own page, and lists whose number of queries does not
grow with the events in them."""

import datetime
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from citizenleaders.roles import Role
from events import services
from events.filters import next_twelve_months
from events.models import Event, Registration
from tests.citizenleaders.factories import UserFactory
from tests.conftest import make_person
from tests.events.factories import EventFactory, RegistrationFactory, in_days
from tests.leaders.factories import council
from tests.ulos.factories import UloFactory
from ulos.models import Region

pytestmark = pytest.mark.django_db

LIST = reverse("events:list")
PAST = reverse("events:past")
LONDON_REGION = "E12000007"


@pytest.fixture(autouse=True)
def _quick_passwords(settings):
    """Nobody here logs in with a password, so hash them quickly."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def page(response):
    return response.content.decode()


def text(response):
    """The page's words, without tags or runs of spaces."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page(response))).split())


def titles_listed(response):
    return [event.title for event in response.context["events"]]


def detail(event):
    return reverse("events:detail", kwargs={"slug": event.slug})


def signed_in(client, role, **kwargs):
    user = make_person(role, **kwargs)
    if user is not None:
        client.force_login(user)
    return user


def london():
    return Region.objects.get(gss_code=LONDON_REGION)


# --- Who sees which events ---------------------------------------------------------


@pytest.fixture
def audiences():
    """One upcoming event for each audience, a draft, and one invitation."""
    return {
        "public": EventFactory(title="Open meeting", audience=Event.Audience.PUBLIC),
        "leaders": EventFactory(title="Leaders' meeting", audience=Event.Audience.LEADERS),
        "staff": EventFactory(title="Staff training", audience=Event.Audience.COUNCIL_STAFF),
        "invited": EventFactory(title="Planning day", audience=Event.Audience.INVITED),
        "draft": EventFactory(title="Not ready yet", status=Event.Status.DRAFT),
    }


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        (Role.ANONYMOUS, ["public"]),
        (Role.MEMBER, ["public"]),
        (Role.APPLICANT, ["public"]),
        (Role.LEADER, ["public", "leaders"]),
        (Role.COUNCIL_STAFF, ["public", "staff"]),
        (Role.REGIONAL_COORDINATOR, ["public", "leaders", "staff", "invited"]),
        (Role.NATIONAL_COORDINATOR, ["public", "leaders", "staff", "invited"]),
    ],
)
def test_each_person_finds_the_events_meant_for_them(client, audiences, role, sees):
    signed_in(client, role)

    response = client.get(LIST)

    assert titles_listed(response) == [audiences[key].title for key in sees]
    for key, event in audiences.items():
        expected = 200 if key in sees else 404
        assert client.get(detail(event)).status_code == expected, key


def test_invited_people_and_organisers_see_their_events(client, audiences):
    invited, organiser = UserFactory(), UserFactory()
    audiences["invited"].invited.add(invited)
    audiences["staff"].organisers.add(organiser)

    client.force_login(invited)
    assert titles_listed(client.get(LIST)) == ["Open meeting", "Planning day"]
    client.force_login(organiser)
    assert titles_listed(client.get(LIST)) == ["Open meeting", "Staff training"]
    assert client.get(detail(audiences["staff"])).status_code == 200


def test_a_draft_is_never_found_even_by_a_coordinator(client, audiences):
    signed_in(client, Role.NATIONAL_COORDINATOR)

    assert client.get(detail(audiences["draft"])).status_code == 404
    assert client.get(reverse("events:book", args=[audiences["draft"].slug])).status_code == 404
    assert "Not ready yet" not in page(client.get(LIST))


def test_the_list_says_who_an_event_is_for_unless_it_is_for_anyone(client, audiences):
    signed_in(client, Role.LEADER)

    words = text(client.get(LIST))

    assert "Who it is for Citizen Leaders only" in words
    assert "Who it is for Anyone" not in words


def test_a_cancelled_event_stays_in_the_list_marked_cancelled(client):
    EventFactory(title="Called off", status=Event.Status.CANCELLED, cancelled_at=timezone.now())

    response = client.get(LIST)

    assert titles_listed(response) == ["Called off"]
    assert '<strong class="govuk-tag govuk-tag--red">Cancelled</strong>' in page(response)


def test_past_events_are_in_the_archive_most_recent_first(client):
    EventFactory(title="Coming up")
    EventFactory(title="Last month", start=in_days(-30), end=in_days(-30, 15))
    EventFactory(title="Last week", start=in_days(-7), end=in_days(-7, 15))
    EventFactory(
        title="Old draft", start=in_days(-3), end=in_days(-3, 15), status=Event.Status.DRAFT
    )

    assert titles_listed(client.get(LIST)) == ["Coming up"]
    archive = client.get(PAST)
    assert titles_listed(archive) == ["Last week", "Last month"]
    assert '<h1 class="govuk-heading-xl">Past events</h1>' in page(archive)
    assert f'href="{PAST}"' in page(client.get(LIST))


def test_an_event_happening_now_is_still_upcoming(client):
    EventFactory(
        title="On today",
        start=timezone.now() - datetime.timedelta(hours=1),
        end=timezone.now() + datetime.timedelta(hours=2),
    )

    assert titles_listed(client.get(LIST)) == ["On today"]
    assert titles_listed(client.get(PAST)) == []


# --- What each event in the list says ------------------------------------------------


def test_each_event_says_when_where_and_how_booking_stands(client):
    EventFactory(title="Three left", capacity=3)
    full = EventFactory(title="Full up", capacity=1, start=in_days(15))
    RegistrationFactory(event=full)
    EventFactory(
        title="Not open yet",
        start=in_days(40),
        end=in_days(40, 15),
        booking_opens=in_days(20, 9),
    )
    EventFactory(
        title="Online chat",
        online=True,
        joining_link="https://meet.example.org/x",
        venue_name="",
        venue_postcode="",
        start=in_days(16),
    )

    words = text(client.get(LIST))

    assert "3 places left" in words
    assert "Full – waiting list" in words
    opens = timezone.localdate() + datetime.timedelta(days=20)
    assert f"Booking opens {opens.day} {opens:%B %Y}" in words
    assert "Where Leeds Civic Hall, LS1 1UR" in words
    assert "Where Online" in words
    assert "Kind of event Regional meeting" in words
    assert "Region Yorkshire and The Humber" in words
    assert "https://meet.example.org/x" not in page(client.get(LIST))
    assert "4 events" in words


def test_a_signed_in_person_sees_their_own_bookings_in_the_list(client, member):
    booked = EventFactory(title="Booked")
    RegistrationFactory(event=booked, user=member)
    client.force_login(member)

    assert "You have a place" in text(client.get(LIST))


# --- Filters ------------------------------------------------------------------------


@pytest.fixture
def varied():
    """Events across regions, kinds, months and ways of taking part."""
    soon, later = in_days(3), in_days(70)
    return [
        EventFactory(title="Leeds meeting", start=soon, end=soon + datetime.timedelta(hours=3)),
        EventFactory(
            title="London training",
            region=london(),
            host_council=council("E09000033"),
            kind=Event.Kind.STAFF_TRAINING,
            start=later,
            end=later + datetime.timedelta(hours=3),
        ),
        EventFactory(
            title="Online peer support",
            kind=Event.Kind.PEER_SUPPORT,
            online=True,
            joining_link="https://meet.example.org/peer",
            venue_name="",
            start=later + datetime.timedelta(days=1),
            end=later + datetime.timedelta(days=1, hours=2),
        ),
    ]


def test_filter_by_region(client, varied):
    assert titles_listed(client.get(LIST, {"region": LONDON_REGION})) == ["London training"]


def test_filter_by_kind(client, varied):
    response = client.get(LIST, {"kind": "peer_support"})

    assert titles_listed(response) == ["Online peer support"]


def test_filter_by_month_in_uk_time(client):
    """A month runs from midnight UK time: in summer, 00:30 on the 1st is
    still the day before in UTC."""
    value, label = next_twelve_months()[4]
    year, month = (int(part) for part in value.split("-"))
    first = timezone.make_aware(datetime.datetime(year, month, 1, 0, 30))
    EventFactory(title="Just after midnight", start=first, end=first + datetime.timedelta(hours=2))
    EventFactory(
        title="Mid month",
        start=first + datetime.timedelta(days=14),
        end=first + datetime.timedelta(days=14, hours=2),
    )
    EventFactory(
        title="Night before",
        start=first - datetime.timedelta(hours=1),
        end=first + datetime.timedelta(minutes=30),
    )

    response = client.get(LIST, {"month": value})

    assert titles_listed(response) == ["Just after midnight", "Mid month"]
    assert f'<option value="{value}" selected>{label}</option>' in page(response)


def test_filter_online_or_in_person(client, varied):
    assert titles_listed(client.get(LIST, {"where": "online"})) == ["Online peer support"]
    assert titles_listed(client.get(LIST, {"where": "in_person"})) == [
        "Leeds meeting",
        "London training",
    ]


def test_filters_combine_and_can_be_cleared(client, varied):
    response = client.get(LIST, {"region": "E12000003", "where": "in_person"})

    assert titles_listed(response) == ["Leeds meeting"]
    assert "Clear filters" in page(response)
    assert "Clear filters" not in page(client.get(LIST))


def test_the_months_offered_are_this_one_and_the_next_eleven():
    months = next_twelve_months()
    today = timezone.localdate()

    assert len(months) == 12
    assert months[0] == (f"{today:%Y-%m}", f"{today:%B %Y}")
    assert all(re.fullmatch(r"\d{4}-\d{2}", value) for value, _ in months)
    assert re.fullmatch(r"[A-Z][a-z]+ \d{4}", months[-1][1])


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"region": "E99999999"}, "Choose a region from the list"),
        ({"kind": "party"}, "Choose a kind of event from the list"),
        ({"month": "2001-01"}, "Choose a month from the list"),
        ({"month": "next-march"}, "Choose a month from the list"),
        ({"where": "moon"}, "Choose online or in person"),
    ],
)
@pytest.mark.parametrize("address", [LIST, PAST])
def test_a_wrong_filter_value_is_an_error_not_a_crash(client, varied, params, message, address):
    response = client.get(address, params)

    assert response.status_code == 200
    assert message in page(response)
    assert page(response).count("<title>Error: ") == 1
    assert 'class="govuk-error-summary"' in page(response)


def test_a_wrong_page_number_shows_a_page_not_an_error(client, varied):
    assert client.get(LIST, {"page": "lots"}).status_code == 200
    assert titles_listed(client.get(LIST, {"page": "99"})) == [e.title for e in varied]


def test_the_archive_filters_too(client):
    EventFactory(title="Old London", region=london(), start=in_days(-20), end=in_days(-20, 15))
    EventFactory(title="Old Leeds", start=in_days(-10), end=in_days(-10, 15))
    month = timezone.localtime(in_days(-10)).strftime("%Y-%m")

    assert titles_listed(client.get(PAST, {"region": LONDON_REGION})) == ["Old London"]
    assert "Old Leeds" in titles_listed(client.get(PAST, {"month": month}))


# --- Pages of results and queries ----------------------------------------------------


def many_events(count, **kwargs):
    return [
        EventFactory(start=in_days(5 + n), end=in_days(5 + n, 15), **kwargs) for n in range(count)
    ]


def test_twenty_events_a_page_with_the_count(client):
    events = many_events(23)

    first = client.get(LIST)
    second = client.get(LIST, {"page": 2})

    assert len(first.context["events"]) == 20
    assert titles_listed(second) == [event.title for event in events[20:]]
    assert "23 events" in text(first)
    assert "Events (page 2 of 2) – Citizen Leaders" in page(second)
    assert 'aria-label="Results pages"' in page(first)


@pytest.mark.parametrize("role", [Role.ANONYMOUS, Role.LEADER, Role.NATIONAL_COORDINATOR])
@pytest.mark.parametrize("address", [LIST, PAST])
def test_the_lists_run_the_same_queries_however_many_events(
    client, django_assert_num_queries, role, address
):
    signed_in(client, role)
    offset = -60 if address == PAST else 5

    def add(count):
        for n in range(count):
            start = in_days(offset + n)
            EventFactory(start=start, end=start + datetime.timedelta(hours=2))

    add(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(address).status_code == 200
    add(25)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(address).status_code == 200


# --- An event's page ------------------------------------------------------------------


@pytest.fixture
def meeting():
    ulo = UloFactory(name="Leeds Voices", is_published=True)
    return EventFactory(
        title="Leeds regional meeting",
        description="We talk about direct payments.\n\nLunch is provided.",
        venue_address="Calverley Street\nLeeds",
        travel_directions="Five minutes' walk from Leeds station.",
        access_features=["step_free", "bsl", "free_assistant_place"],
        access_notes="The lift is at the back of the building.",
        host_ulo=ulo,
        capacity=10,
    )


def test_the_event_page_shows_everything_a_visitor_may_see(client, meeting):
    response = client.get(detail(meeting))
    words = text(response)

    assert response.status_code == 200
    assert "<title>Leeds regional meeting – Events – Citizen Leaders</title>" in page(response)
    assert page(response).count("<h1") == 1
    for expected in [
        "Regional meeting",
        "Who it is for Anyone",
        "We talk about direct payments.",
        "Region Yorkshire and The Humber",
        "Venue Leeds Civic Hall",
        "Calverley Street Leeds",
        "Postcode LS1 1UR",
        "Five minutes' walk from Leeds station.",
        "Step-free access",
        "British Sign Language (BSL) interpreter",
        "Free place for a personal assistant or support worker",
        "The lift is at the back of the building.",
        "10 of 10 places left",
        "Booking is open until",
    ]:
        assert expected in words, expected
    assert f'href="{meeting.host_council.get_absolute_url()}"' in page(response)
    assert f'href="{meeting.host_ulo.get_absolute_url()}"' in page(response)


def test_times_are_shown_in_uk_time_across_the_clock_change(client):
    # 10am in London on 30 March 2027 is 9am UTC (British Summer Time).
    start = datetime.datetime(2027, 3, 30, 9, tzinfo=datetime.UTC)
    event = EventFactory(start=start, end=start + datetime.timedelta(hours=5))

    assert "Tuesday 30 March 2027, 10am to 3pm (UK time)" in text(client.get(detail(event)))


def test_a_visitor_is_asked_to_log_in_to_book_and_comes_back(client, meeting):
    response = client.get(detail(meeting))
    login = f"{reverse('account_login')}?next={detail(meeting)}"

    assert "Log in to book" in page(response)
    assert f'href="{login}"' in page(response)
    assert "Book a place" not in page(response)


def test_a_signed_in_person_is_offered_a_place(client, member, meeting):
    client.force_login(member)

    response = client.get(detail(meeting))

    assert f'href="{reverse("events:book", args=[meeting.slug])}"' in page(response)
    assert "Book a place" in page(response)
    assert "Log in to book" not in page(response)


def test_when_full_the_page_offers_the_waiting_list(client, member):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)
    client.force_login(member)

    words = text(client.get(detail(event)))

    assert "Places Full – waiting list" in words
    assert "Join the waiting list" in words
    assert "Book a place" not in words


def test_an_event_without_a_limit_says_so(client):
    event = EventFactory(capacity=None)

    assert "Places No limit on places" in text(client.get(detail(event)))


@pytest.mark.parametrize(
    ("fields", "explanation"),
    [
        ({"booking_opens": in_days(5, 9)}, "Booking opens on"),
        (
            {"booking_closes": timezone.now() - datetime.timedelta(hours=1)},
            "Booking for this event has closed.",
        ),
    ],
)
def test_the_page_explains_when_booking_is_not_possible(client, member, fields, explanation):
    event = EventFactory(**fields)
    client.force_login(member)

    response = client.get(detail(event))

    assert explanation in text(response)
    assert f'href="{reverse("events:book", args=[event.slug])}"' not in page(response)


def test_booking_not_yet_open_says_when_it_opens(client, member):
    event = EventFactory(booking_opens=in_days(5, 9))
    client.force_login(member)
    opens = timezone.localdate() + datetime.timedelta(days=5)

    words = text(client.get(detail(event)))

    assert f"Booking opens on {opens:%A} {opens.day} {opens:%B %Y} at 9am." in words
    assert "09:00" not in words


def test_a_cancelled_event_has_a_notice_with_the_reason(client, member):
    event = EventFactory(
        status=Event.Status.CANCELLED,
        cancelled_at=timezone.now(),
        cancel_reason="The venue flooded.",
    )
    client.force_login(member)

    response = client.get(detail(event))

    assert "This event has been cancelled" in text(response)
    assert "The venue flooded." in text(response)
    assert "(cancelled) – Events – Citizen Leaders</title>" in page(response)
    assert "Book a place" not in page(response)


def test_a_past_event_says_it_has_finished(client, member):
    event = EventFactory(start=in_days(-3), end=in_days(-3, 15))
    client.force_login(member)

    response = client.get(detail(event))

    assert "This event has finished." in text(response)
    assert "Book a place" not in page(response)


# --- Your booking on the event's page --------------------------------------------------


def online_event(**kwargs):
    return EventFactory(
        online=True,
        joining_link="https://meet.example.org/secret-room",
        venue_name="",
        venue_postcode="",
        **kwargs,
    )


def test_the_joining_link_is_shown_only_to_people_with_a_confirmed_place(client):
    event = online_event(capacity=1)
    confirmed = services.registration_create(event=event, user=UserFactory())
    waiting = services.registration_create(event=event, user=UserFactory())
    LINK = "https://meet.example.org/secret-room"

    assert LINK not in page(client.get(detail(event)))
    client.force_login(UserFactory())
    assert LINK not in page(client.get(detail(event)))
    client.force_login(waiting.user)
    assert LINK not in page(client.get(detail(event)))
    client.force_login(confirmed.user)
    assert LINK in page(client.get(detail(event)))


def test_nobody_is_sent_to_the_joining_link_of_a_cancelled_event(client):
    event = online_event()
    confirmed = services.registration_create(event=event, user=UserFactory())
    services.event_cancel(event=event, reason="The speaker is ill.")
    client.force_login(confirmed.user)

    assert "https://meet.example.org/secret-room" not in page(client.get(detail(event)))


@pytest.mark.parametrize("role", [Role.NATIONAL_COORDINATOR, Role.REGIONAL_COORDINATOR])
def test_coordinators_see_the_joining_link(client, role):
    event = online_event()
    signed_in(client, role)

    assert "https://meet.example.org/secret-room" in page(client.get(detail(event)))


def test_coordinators_of_another_region_and_council_staff_do_not(client):
    event = online_event(region=london(), host_council=council("E09000033"))
    signed_in(client, Role.REGIONAL_COORDINATOR)  # Yorkshire and The Humber
    assert "https://meet.example.org/secret-room" not in page(client.get(detail(event)))
    signed_in(client, Role.COUNCIL_STAFF)
    assert "https://meet.example.org/secret-room" not in page(client.get(detail(event)))


def test_the_staff_organisers_see_the_joining_link(client):
    event = online_event()
    organiser = UserFactory()
    event.organisers.add(organiser)
    client.force_login(organiser)

    assert "https://meet.example.org/secret-room" in page(client.get(detail(event)))


def test_a_confirmed_person_sees_their_booking_and_what_they_can_do(client, member, meeting):
    services.registration_create(
        event=meeting, user=member, access_requirements=["bsl"], share_needs=True
    )
    client.force_login(member)

    response = client.get(detail(meeting))
    words = text(response)

    assert "Place confirmed" in words
    assert "British Sign Language (BSL) interpreter" in words
    for name in ["events:book", "events:cancel", "events:calendar"]:
        assert f'href="{reverse(name, args=[meeting.slug])}"' in page(response), name
    assert "Change what you need" in words
    assert "Cancel your place" in words
    assert "Add to your calendar" in words
    assert "9 of 10 places left" in words


def test_a_waiting_person_sees_their_place_in_the_queue(client, member):
    event = EventFactory(capacity=1)
    services.registration_create(event=event, user=UserFactory())
    services.registration_create(event=event, user=UserFactory())
    services.registration_create(event=event, user=member)
    client.force_login(member)

    words = text(client.get(detail(event)))

    assert "On the waiting list (position 2)" in words
    assert "You are number 2 on the waiting list" in words
    assert "Leave the waiting list" in words
    assert "Add to your calendar" not in words  # not until they have a place


def test_after_cancelling_a_person_may_book_again(client, member, meeting):
    registration = services.registration_create(event=meeting, user=member)
    services.registration_cancel(registration=registration)
    client.force_login(member)

    words = text(client.get(detail(meeting)))

    assert "You cancelled your booking" in words
    assert "Book a place" in words
    assert Registration.objects.get(pk=registration.pk).status == Registration.Status.CANCELLED


def test_a_person_with_a_place_at_a_cancelled_event_is_told_it_no_longer_stands(client, member):
    event = EventFactory()
    services.registration_create(event=event, user=member)
    services.event_cancel(event=event, reason="Not enough speakers.")
    client.force_login(member)

    words = text(client.get(detail(event)))

    assert "Event cancelled" in words
    assert "Your booking no longer stands." in words
    assert "Cancel your place" not in words


# --- Navigation -----------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.ANONYMOUS, Role.MEMBER, Role.LEADER])
def test_everyone_finds_events_in_the_navigation(client, role):
    signed_in(client, role)

    response = client.get(reverse("home"))

    assert response.context["navigation"][2]["label"] == "Events"
    assert f'href="{LIST}"' in page(response)


def test_the_events_item_is_current_on_the_events_pages(client, meeting):
    items = {item["label"]: item for item in client.get(detail(meeting)).context["navigation"]}

    assert items["Events"]["current"]


def test_the_account_page_links_to_your_events(client, member):
    client.force_login(member)

    assert f'href="{reverse("events:mine")}"' in page(client.get(reverse("me")))
