"""The directory of Citizen Leaders for council staff and coordinators: who may
use it, what each leader chose to share, filters, search, sorting, pages, and
a list whose number of queries does not grow with the leaders in it.

The search tests run on whichever database the suite uses: SQLite by
default, PostgreSQL in CI (``DATABASE_URL``). Both must find the same leaders.
"""

import html
import re
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from citizenleaders.models import User
from citizenleaders.roles import Role
from leaders.models import Activity, Interest, Leader, Module, Skill, TrainingRecord
from tests.conftest import make_person
from tests.leaders.factories import (
    ActivityFactory,
    ApplicationFactory,
    LeaderFactory,
    TrainingRecordFactory,
    council,
)
from ulos.models import LocalAuthority

pytestmark = pytest.mark.django_db

LEEDS, BRADFORD, CAMDEN = "E08000035", "E08000032", "E09000007"
YORKSHIRE = "E12000003"
LIST = reverse("directory:list")

ACCESS_NEEDS = "Needs a hearing loop and step-free access"
PHONE = "07700 900123"
NOTES = "Internal note: met at the Leeds carers' forum"
SUPPORT_EXPERIENCE = "Direct payments since my stroke in 2019"


def days_ago(days):
    return timezone.localdate() - timedelta(days=days)


def modules(count):
    return list(Module.objects.all()[:count])


def directory_leader(
    name,
    *,
    gss_code=LEEDS,
    skills=(),
    interests=(),
    completed=0,
    active_days_ago=None,
    **fields,
):
    """A leader in the directory, with the skills and interests (slugs), the
    first ``completed`` training modules done, and a verified activity
    ``active_days_ago`` days ago."""
    fields.setdefault("in_directory", True)
    leader = LeaderFactory(user__full_name=name, local_authority=council(gss_code), **fields)
    leader.skills.set(Skill.objects.filter(slug__in=skills))
    leader.interests.set(Interest.objects.filter(slug__in=interests))
    for module in modules(completed):
        TrainingRecordFactory(leader=leader, module=module)
    if active_days_ago is not None:
        ActivityFactory(leader=leader, date=days_ago(active_days_ago), status="verified")
    return leader


@pytest.fixture(autouse=True)
def _quick_passwords(settings):
    """Nobody here logs in with a password, so hash them quickly."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def staff(client):
    client.force_login(make_person(Role.COUNCIL_STAFF))
    return client


@pytest.fixture
def leaders():
    """Three leaders in the directory and four who are not."""
    priya = directory_leader(
        "Priya Shah",
        bio="I speak at council meetings about direct payments.",
        skills=["public-speaking", "chairing-meetings"],
        interests=["sharing-my-story"],
        available_online=True,
        available_daytime=True,
        days=["monday", "wednesday"],
        travel="region",
        completed=2,
        active_days_ago=10,
        directory_shows_email=True,
        phone=PHONE,
        access_needs=ACCESS_NEEDS,
        formats=["easy_read"],
        contact_methods=["text"],
    )
    priya.application = ApplicationFactory(
        user=priya.user,
        status="accepted",
        full_name="Priya Shah",
        phone=PHONE,
        notes=NOTES,
        support_experience=SUPPORT_EXPERIENCE,
        access_needs=ACCESS_NEEDS,
    )
    priya.save()
    tommy = directory_leader(
        "Tom Baker",
        preferred_name="Tommy",
        gss_code=BRADFORD,
        bio="Carer for my mum. I train social workers.",
        skills=["training-and-teaching"],
        interests=["training-council-staff"],
        available_in_person=True,
        available_evenings=True,
        completed=1,
        active_days_ago=100,
    )
    will = directory_leader(
        "Will Jones",
        gss_code=CAMDEN,
        bio="Peer support for older people in London.",
        skills=["listening-and-mentoring", "public-speaking"],
        available_online=True,
        available_in_person=True,
        available_daytime=True,
        available_evenings=True,
    )
    # Not in the directory, each for its own reason, all matching "payments".
    bio = "Direct payments, public speaking."
    directory_leader("Hidden Opted-Out", bio=bio, in_directory=False, active_days_ago=1)
    directory_leader("Paused Person", bio=bio, status=Leader.Status.PAUSED)
    directory_leader("Left Person", bio=bio, status=Leader.Status.LEFT)
    directory_leader("Training Person", bio=bio, status=Leader.Status.IN_TRAINING)
    directory_leader("Closed Account", bio=bio, user__is_active=False)
    return {"priya": priya, "tommy": tommy, "will": will}


LISTED_NAME = re.compile(r'<h3 class="govuk-summary-card__title[^"]*"><a [^>]*>([^<]*)</a>')


def names_listed(response):
    """The leaders' names on the page, as a person reads them."""
    assert response.status_code == 200
    return [html.unescape(name) for name in LISTED_NAME.findall(response.content.decode())]


def main_content(response):
    html = response.content.decode()
    return html[html.index('<main class="govuk-main-wrapper"') : html.index("</main>")]


def leader_page(leader):
    return reverse("directory:leader", kwargs={"pk": leader.pk})


# --- Who may use it ----------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.MEMBER, 403),
        (Role.APPLICANT, 403),
        (Role.LEADER, 403),
        (Role.COUNCIL_STAFF, 200),
        (Role.REGIONAL_COORDINATOR, 200),
        (Role.NATIONAL_COORDINATOR, 200),
    ],
)
def test_only_council_staff_and_coordinators_use_the_directory(client, leaders, role, expected):
    client.force_login(make_person(role))

    assert client.get(LIST).status_code == expected
    assert client.get(leader_page(leaders["priya"])).status_code == expected


def test_a_visitor_is_sent_to_log_in(client, leaders):
    for address in [LIST, leader_page(leaders["priya"])]:
        response = client.get(address)

        assert response.status_code == 302
        assert response["Location"] == f"{reverse('account_login')}?next={address}"


def test_staff_of_any_council_see_leaders_from_every_council(client, leaders):
    bradford_staff = make_person(Role.COUNCIL_STAFF)
    bradford_staff.staff_role.local_authority = council(BRADFORD)
    bradford_staff.staff_role.save()
    client.force_login(bradford_staff)

    response = client.get(LIST)

    assert names_listed(response) == ["Priya Shah", "Tommy", "Will Jones"]
    assert client.get(leader_page(leaders["will"])).status_code == 200


def test_staff_without_two_factor_are_sent_to_set_it_up(client, leaders):
    user = make_person(Role.COUNCIL_STAFF)
    user.authenticator_set.all().delete()
    client.force_login(user)

    response = client.get(LIST)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/totp/activate/")


# --- What the list shows -----------------------------------------------------


def test_the_list_shows_active_leaders_who_chose_to_appear(staff, leaders):
    response = staff.get(LIST)

    assert response.status_code == 200
    assert names_listed(response) == ["Priya Shah", "Tommy", "Will Jones"]
    page = response.content.decode()
    assert "3 leaders found" in page
    assert "<title>Directory of Citizen Leaders – Citizen Leaders</title>" in page
    assert page.count("<h1") == 1
    assert f'href="{leader_page(leaders["priya"])}"' in page
    assert "Bradford, Yorkshire and The Humber" in page
    assert "I speak at council meetings about direct payments." in page
    assert "Public speaking, Chairing meetings" in page
    for hidden in ["Hidden Opted-Out", "Paused Person", "Left Person", "Training Person"]:
        assert hidden not in page
    assert "Closed Account" not in page


def test_one_leader_found_is_said_in_the_singular(staff, leaders):
    response = staff.get(LIST, {"q": "Priya"})

    assert "1 leader found" in response.content.decode()


def test_the_email_shows_only_for_leaders_who_chose_to_share_it(staff, leaders):
    page = staff.get(LIST).content.decode()

    assert leaders["priya"].user.email in page
    assert leaders["tommy"].user.email not in page
    assert leaders["will"].user.email not in page


def test_private_details_never_appear_on_the_list_or_a_leader_page(staff, leaders):
    for address in [LIST, leader_page(leaders["priya"])]:
        page = staff.get(address).content.decode()

        assert "Priya" in page
        for private in [
            ACCESS_NEEDS,
            PHONE,
            NOTES,
            SUPPORT_EXPERIENCE,
            "Easy Read",
            "Text message",
        ]:
            assert private not in page, f"{private!r} shown at {address}"


# --- Filters and search ------------------------------------------------------


# The first two modules of the curriculum, as the data migration loads it.
FIRST_MODULE, SECOND_MODULE = "social-model-of-disability", "history-of-self-directed-support"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"region": YORKSHIRE}, ["Priya Shah", "Tommy"]),
        ({"council": BRADFORD}, ["Tommy"]),
        ({"council": CAMDEN}, ["Will Jones"]),
        ({"interests": "sharing-my-story"}, ["Priya Shah"]),
        (
            {"interests": ["sharing-my-story", "training-council-staff"]},
            ["Priya Shah", "Tommy"],
        ),
        ({"skills": "public-speaking"}, ["Priya Shah", "Will Jones"]),
        (
            {"skills": ["public-speaking", "training-and-teaching"]},
            ["Priya Shah", "Tommy", "Will Jones"],
        ),
        ({"available": "online"}, ["Priya Shah", "Will Jones"]),
        ({"available": "in_person"}, ["Tommy", "Will Jones"]),
        ({"available": "daytime"}, ["Priya Shah", "Will Jones"]),
        ({"available": "evenings"}, ["Tommy", "Will Jones"]),
        ({"available": ["online", "evenings"]}, ["Will Jones"]),
        ({"modules": FIRST_MODULE}, ["Priya Shah", "Tommy"]),
        ({"modules": [FIRST_MODULE, SECOND_MODULE]}, ["Priya Shah"]),
        ({"region": YORKSHIRE, "skills": "public-speaking"}, ["Priya Shah"]),
        ({"region": YORKSHIRE, "available": "online", "q": "tom"}, []),
    ],
)
def test_each_filter_in_the_address_narrows_the_list(staff, leaders, query, expected):
    response = staff.get(LIST, query)

    assert response.status_code == 200
    assert names_listed(response) == expected


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("priya", ["Priya Shah"]),
        ("SHAH", ["Priya Shah"]),
        ("Priya Shah", ["Priya Shah"]),
        ("sha", ["Priya Shah"]),  # the start of a word
        ("Tom", ["Tommy"]),  # full name, and the name they use
        ("Tommy", ["Tommy"]),
        ("Baker", ["Tommy"]),
        ("Will", ["Will Jones"]),  # a name that is also an English stop word
        ("jones", ["Will Jones"]),
        ("payments", ["Priya Shah"]),  # in the bio
        ("direct payments", ["Priya Shah"]),
        ("council meetings", ["Priya Shah"]),
        ("carer", ["Tommy"]),
        ("older people", ["Will Jones"]),
        ("Priya carer", []),  # every word must be found
        ("nobody like this", []),
        ("  ", ["Priya Shah", "Tommy", "Will Jones"]),
        ("'?!", ["Priya Shah", "Tommy", "Will Jones"]),  # no words: nothing to search for
    ],
)
def test_search_finds_leaders_by_name_and_bio(staff, leaders, q, expected):
    response = staff.get(LIST, {"q": q})

    assert response.status_code == 200
    assert names_listed(response) == expected


def test_an_unknown_filter_value_says_what_is_wrong_and_filters_nothing(staff, leaders):
    response = staff.get(LIST, {"region": "NOT-A-REGION"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Choose a region from the list" in page
    assert page.count("<title>Error: ") == 1
    assert names_listed(response) == ["Priya Shah", "Tommy", "Will Jones"]


def test_the_form_keeps_what_was_chosen_and_offers_to_clear_it(staff, leaders):
    page = staff.get(
        LIST, {"q": "shah", "council": LEEDS, "skills": "public-speaking", "available": "online"}
    ).content.decode()

    assert 'value="shah"' in page
    assert f'<option value="{LEEDS}" selected>Leeds</option>' in page
    assert 'value="public-speaking" checked' in page
    assert 'value="online" checked' in page
    assert f'<a class="govuk-link" href="{LIST}">Clear filters</a>' in page


def test_no_clear_filters_link_without_filters(staff, leaders):
    assert "Clear filters" not in staff.get(LIST).content.decode()


# --- Sorting and pages -------------------------------------------------------


def test_sorted_by_name_unless_asked_otherwise(staff, leaders):
    assert names_listed(staff.get(LIST)) == ["Priya Shah", "Tommy", "Will Jones"]
    assert names_listed(staff.get(LIST, {"sort": "name"})) == ["Priya Shah", "Tommy", "Will Jones"]


def test_sorted_by_most_recently_active_with_the_never_active_last(staff, leaders):
    directory_leader("Aaron Adams", active_days_ago=3)
    # A pending activity does not count until a coordinator has checked it.
    ActivityFactory(leader=leaders["will"], date=days_ago(0), status="pending")

    response = staff.get(LIST, {"sort": "recent"})

    assert names_listed(response) == ["Aaron Adams", "Priya Shah", "Tommy", "Will Jones"]
    page = response.content.decode()
    assert days_ago(3).strftime("%-d %B %Y") in page


def test_twenty_leaders_a_page_with_the_filters_kept_in_the_page_links(staff):
    for number in range(25):
        directory_leader(f"Leader {number:02d}", skills=["writing"])

    first = staff.get(LIST, {"skills": "writing"})
    second = staff.get(LIST, {"skills": "writing", "page": 2})
    past_the_end = staff.get(LIST, {"skills": "writing", "page": 99})

    assert names_listed(first) == [f"Leader {number:02d}" for number in range(20)]
    assert names_listed(second) == [f"Leader {number:02d}" for number in range(20, 25)]
    assert names_listed(past_the_end) == names_listed(second)
    page = first.content.decode()
    assert "25 leaders found" in page
    assert 'href="?skills=writing&amp;page=2"' in page
    assert "(page 2 of 2)" in second.content.decode()


# --- Names and lists kept up to date -------------------------------------------
# The directory sorts and searches a copy of each leader's names, and keeps its
# lists to choose from in the cache: a change must show on the next request.


def test_a_changed_full_name_is_found_and_sorted_at_once(staff, leaders):
    user = leaders["will"].user
    user.full_name = "Aaron Zephaniah"
    user.save()

    assert names_listed(staff.get(LIST, {"q": "zephaniah"})) == ["Aaron Zephaniah"]
    assert names_listed(staff.get(LIST, {"q": "will"})) == []
    assert names_listed(staff.get(LIST)) == ["Aaron Zephaniah", "Priya Shah", "Tommy"]


def test_a_changed_name_to_use_is_found_and_sorted_at_once(staff, leaders):
    tommy = leaders["tommy"]
    tommy.preferred_name = "Abe"
    tommy.save(update_fields=["preferred_name"])

    assert names_listed(staff.get(LIST)) == ["Abe", "Priya Shah", "Will Jones"]
    assert names_listed(staff.get(LIST, {"q": "abe"})) == ["Abe"]
    assert names_listed(staff.get(LIST, {"q": "baker"})) == ["Abe"]  # the full name still counts
    assert names_listed(staff.get(LIST, {"q": "tommy"})) == []


def test_the_lists_to_choose_from_show_a_change_at_once(staff, leaders):
    staff.get(LIST)  # the lists are now in the cache
    Skill.objects.create(name="Writing in Easy Read", slug="easy-read-writing", position=99)
    leeds = council(LEEDS)
    leeds.name = "Leeds City"
    leeds.save()
    Interest.objects.filter(slug="sharing-my-story").delete()

    page = staff.get(LIST).content.decode()

    assert 'value="easy-read-writing"' in page
    assert "Writing in Easy Read" in page
    assert f'<option value="{LEEDS}">Leeds City</option>' in page
    assert 'value="sharing-my-story"' not in page


def test_the_lists_to_choose_from_are_read_once_not_on_every_page(staff, leaders):
    staff.get(LIST)

    with CaptureQueriesContext(connection) as queries:
        page = staff.get(LIST, {"council": LEEDS}).content.decode()

    assert 'value="public-speaking"' in page and "Training completed" in page
    lists = ('FROM "ulos_region"', 'FROM "ulos_localauthority"', 'FROM "leaders_module"')
    assert not [query["sql"] for query in queries if any(name in query["sql"] for name in lists)]


def test_a_council_from_the_cached_list_still_filters(staff, leaders):
    staff.get(LIST)

    response = staff.get(LIST, {"council": BRADFORD, "region": YORKSHIRE})

    assert names_listed(response) == ["Tommy"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's indexes")
def test_postgresql_searches_and_sorts_the_directory_from_its_indexes(leaders):
    from leaders.filters import search_leaders
    from leaders.selectors import directory_leaders

    with connection.cursor() as cursor:
        # With a handful of leaders a table scan is cheaper; tens of thousands
        # need the indexes, so make the planner show whether it can use them.
        cursor.execute("SET LOCAL enable_seqscan = off")
    found = search_leaders(Leader.objects.order_by(), "direct payments")

    assert leaders["priya"] in found
    assert leaders["tommy"] not in found
    assert "leader_search" in found.explain()
    assert "leader_directory_order" in directory_leaders()[:20].explain()


# --- Consent switches take effect on the next request ------------------------


def test_leaving_the_directory_hides_a_leader_at_once(staff, leaders):
    priya = leaders["priya"]
    assert "Priya Shah" in names_listed(staff.get(LIST))
    assert staff.get(leader_page(priya)).status_code == 200

    priya.in_directory = False
    priya.save()

    assert "Priya Shah" not in names_listed(staff.get(LIST))
    assert staff.get(leader_page(priya)).status_code == 404

    priya.in_directory = True
    priya.save()

    assert "Priya Shah" in names_listed(staff.get(LIST))
    assert staff.get(leader_page(priya)).status_code == 200


@pytest.mark.parametrize("status", [Leader.Status.PAUSED, Leader.Status.LEFT])
def test_pausing_or_leaving_hides_a_leader_at_once(staff, leaders, status):
    priya = leaders["priya"]
    assert "Priya Shah" in names_listed(staff.get(LIST))
    priya.status = status
    priya.save()

    assert "Priya Shah" not in names_listed(staff.get(LIST))
    assert staff.get(leader_page(priya)).status_code == 404


def test_a_closed_account_hides_a_leader_at_once(staff, leaders):
    user = leaders["priya"].user
    assert "Priya Shah" in names_listed(staff.get(LIST))
    user.is_active = False
    user.save()

    assert "Priya Shah" not in names_listed(staff.get(LIST))
    assert staff.get(leader_page(leaders["priya"])).status_code == 404


def test_the_email_follows_the_leaders_choice_at_once(staff, leaders):
    priya, tommy = leaders["priya"], leaders["tommy"]
    assert priya.user.email in staff.get(LIST).content.decode()
    priya.directory_shows_email = False
    priya.save()
    tommy.directory_shows_email = True
    tommy.save()

    list_page = staff.get(LIST).content.decode()
    priya_page = staff.get(leader_page(priya)).content.decode()
    tommy_page = staff.get(leader_page(tommy)).content.decode()

    assert priya.user.email not in list_page
    assert priya.user.email not in priya_page
    assert "has chosen not to share their email address" in priya_page
    assert tommy.user.email in list_page
    assert tommy.user.email in tommy_page


def test_what_a_leader_changes_shows_at_once(staff, leaders):
    priya = leaders["priya"]
    priya.bio = "Now also on the Leeds carers' board."
    priya.save()
    priya.skills.set(Skill.objects.filter(slug="writing"))

    page = staff.get(leader_page(priya)).content.decode()

    assert "Now also on the Leeds carers&#x27; board." in page
    assert "Writing" in page
    assert "Public speaking" not in page


# --- The list is kept, and forgotten on any change ---------------------------
#
# The list's content is kept in the cache for each address. The database
# renews its version on any write to what it shows, whichever way the write
# is made, so no change waits for the cache to expire, in this process or
# any other.


def write_straight_to_the_database(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_the_list_is_kept_between_requests(staff, leaders):
    first = staff.get(LIST)
    with CaptureQueriesContext(connection) as queries:
        again = staff.get(LIST)

    assert names_listed(again) == names_listed(first) == ["Priya Shah", "Tommy", "Will Jones"]
    # The session, the account, and the directory's version: not the leaders.
    assert len(queries) == 3
    assert "citizenleaders_dataversion" in queries.captured_queries[-1]["sql"]
    # Nothing in what is kept belongs to one request or one person.
    assert "csrfmiddlewaretoken" not in main_content(again)
    assert "nonce" not in main_content(again)


def test_each_address_is_kept_on_its_own(staff, leaders):
    assert names_listed(staff.get(LIST)) == ["Priya Shah", "Tommy", "Will Jones"]
    assert names_listed(staff.get(LIST, {"q": "tommy"})) == ["Tommy"]
    assert names_listed(staff.get(LIST, {"council": CAMDEN})) == ["Will Jones"]
    assert names_listed(staff.get(LIST)) == ["Priya Shah", "Tommy", "Will Jones"]


@pytest.mark.parametrize(
    "hide",
    [
        lambda priya: Leader.objects.filter(pk=priya.pk).update(in_directory=False),
        lambda priya: Leader.objects.filter(pk=priya.pk).update(status=Leader.Status.PAUSED),
        lambda priya: User.objects.filter(pk=priya.user_id).update(is_active=False),
        lambda priya: write_straight_to_the_database(
            "UPDATE leaders_leader SET in_directory = %s WHERE id = %s", [False, priya.pk]
        ),
        lambda priya: priya.user.delete(),
    ],
    ids=["update-opt-out", "update-pause", "update-close-account", "raw-sql", "erase"],
)
def test_a_leader_hidden_by_any_write_leaves_the_kept_list_at_once(staff, leaders, hide):
    assert "Priya Shah" in names_listed(staff.get(LIST))

    hide(leaders["priya"])

    assert names_listed(staff.get(LIST)) == ["Tommy", "Will Jones"]


def test_what_the_list_shows_follows_writes_that_bypass_save(staff, leaders):
    priya, will = leaders["priya"], leaders["will"]
    staff.get(LIST)

    User.objects.filter(pk=priya.user_id).update(email="priya.new@example.org")
    Skill.objects.filter(slug="public-speaking").update(name="Speaking in public")
    Leader.skills.through.objects.filter(leader=priya, skill__slug="chairing-meetings").delete()
    TrainingRecord.objects.filter(leader=priya).delete()
    Activity.objects.bulk_create(
        [
            Activity(
                leader=will,
                kind=Activity.Kind.LOCAL_MEETING,
                date=days_ago(3),
                hours=1,
                description="Leeds carers' board.",
                status=Activity.Status.VERIFIED,
            )
        ]
    )

    page = staff.get(LIST).content.decode()
    assert "priya.new@example.org" in page
    # Priya's skills: one renamed, one taken off.
    assert re.search(r"Skills</dt>\s*<dd [^>]*>Speaking in public</dd>", page)
    assert "0 modules" in page
    assert days_ago(3).strftime("%-d %B %Y") in page


def test_a_new_leader_in_the_directory_is_listed_at_once(staff, leaders):
    staff.get(LIST)

    directory_leader("Aaron Adams")

    assert names_listed(staff.get(LIST))[0] == "Aaron Adams"


def test_logging_in_does_not_make_the_list_be_drawn_again(staff, leaders):
    from citizenleaders.models import DataVersion

    coordinator = make_person(Role.NATIONAL_COORDINATOR)
    staff.get(LIST)
    version = DataVersion.objects.get(name="leaders:directory").version

    client = Client()
    client.force_login(coordinator)  # sets last_login

    assert DataVersion.objects.get(name="leaders:directory").version == version
    with CaptureQueriesContext(connection) as queries:
        assert names_listed(client.get(LIST)) == ["Priya Shah", "Tommy", "Will Jones"]
    assert len(queries) == 3


# --- A leader's page ---------------------------------------------------------


def test_a_leaders_page_shows_what_they_chose_to_share(staff, leaders):
    response = staff.get(leader_page(leaders["priya"]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Priya Shah – Directory of Citizen Leaders – Citizen Leaders</title>" in page
    assert page.count("<h1") == 1
    for shown in [
        "I speak at council meetings about direct payments.",
        "Public speaking",
        "Chairing meetings",
        "Sharing my story",
        "Monday, Wednesday",
        "Daytime",
        "Online",
        "Within my region",
        modules(1)[0].title,
        modules(2)[1].title,
        "Leeds",
        "Yorkshire and The Humber",
        leaders["priya"].user.email,
    ]:
        assert shown in page, shown
    assert modules(3)[2].title not in page


def test_a_leaders_page_shows_their_full_name_beside_the_name_they_use(staff, leaders):
    page = staff.get(leader_page(leaders["tommy"])).content.decode()

    assert "<title>Tommy – Directory of Citizen Leaders – Citizen Leaders</title>" in page
    assert "Tom Baker" in page


def test_a_leaders_page_counts_checked_activities_of_each_kind_in_the_last_year(staff, leaders):
    will = leaders["will"]
    for days in [5, 40, 364]:
        ActivityFactory(
            leader=will, kind=Activity.Kind.LOCAL_MEETING, date=days_ago(days), status="verified"
        )
    ActivityFactory(leader=will, kind=Activity.Kind.STORY, date=days_ago(30), status="verified")
    # Not counted: too long ago, not yet checked, queried.
    ActivityFactory(leader=will, kind=Activity.Kind.STORY, date=days_ago(366), status="verified")
    ActivityFactory(leader=will, kind=Activity.Kind.STORY, date=days_ago(2), status="pending")
    ActivityFactory(
        leader=will, kind=Activity.Kind.PEER_SUPPORT, date=days_ago(2), status="queried"
    )

    response = staff.get(leader_page(will))

    counts = {item.label: item.count for item in response.context["activity_counts"]}
    assert counts == {"Shared my story": 1, "Attended a local meeting": 3}
    assert "Gave peer support" not in response.content.decode()


def test_a_leaders_page_says_when_they_have_no_checked_activity(staff, leaders):
    page = staff.get(leader_page(leaders["will"])).content.decode()

    assert "No checked activities in the last 12 months." in page
    assert "No training modules completed yet." in page


def test_a_leaders_page_asks_for_their_involvement(staff, leaders):
    try:
        ask = reverse("requests:create")
    except NoReverseMatch:
        pytest.skip("The requests pages are not there yet.")
    priya = leaders["priya"]

    page = staff.get(leader_page(priya)).content.decode()

    assert f'href="{ask}?leader={priya.pk}"' in page
    assert "Ask for Priya Shah’s involvement" in page


def test_an_unknown_leader_is_not_found(staff, leaders):
    assert staff.get(reverse("directory:leader", kwargs={"pk": 999999})).status_code == 404


def test_a_leaders_page_runs_in_the_same_number_of_queries_however_much_they_did(staff, leaders):
    will = leaders["will"]
    with CaptureQueriesContext(connection) as few:
        staff.get(leader_page(will))
    will.skills.set(Skill.objects.all())
    will.interests.set(Interest.objects.all())
    for module in Module.objects.all():
        TrainingRecordFactory(leader=will, module=module)
    for kind in Activity.Kind:
        ActivityFactory(leader=will, kind=kind, status="verified")
    with CaptureQueriesContext(connection) as many:
        staff.get(leader_page(will))

    assert len(many) == len(few)


# --- However many leaders there are ------------------------------------------


def bulk_directory_leaders(count, *, start=0):
    """``count`` leaders in the directory, made a thousand at a time, each with
    skills and interests, some with training and a verified activity."""
    password = make_password(None)
    users = User.objects.bulk_create(
        [
            User(
                email=f"bulk{number}@example.org", full_name=f"Bulk {number:05d}", password=password
            )
            for number in range(start, start + count)
        ],
        batch_size=1000,
    )
    leeds, bradford = council(LEEDS), council(BRADFORD)
    leaders = Leader.objects.bulk_create(
        [
            Leader(
                user=user,
                local_authority=leeds if number % 2 else bradford,
                status=Leader.Status.ACTIVE,
                in_directory=True,
                directory_shows_email=number % 3 == 0,
                bio=f"Bulk leader number {number}.",
                available_online=True,
            )
            for number, user in enumerate(users, start)
        ],
        batch_size=1000,
    )
    Leader.objects.refresh_names()  # as seed_demo --scale does after its bulk inserts
    skills, interests, module = (
        list(Skill.objects.all()),
        list(Interest.objects.all()),
        modules(1)[0],
    )
    Leader.skills.through.objects.bulk_create(
        [
            Leader.skills.through(leader=leader, skill=skills[number % len(skills)])
            for number, leader in enumerate(leaders)
        ],
        batch_size=1000,
    )
    Leader.interests.through.objects.bulk_create(
        [
            Leader.interests.through(leader=leader, interest=interests[number % len(interests)])
            for number, leader in enumerate(leaders)
        ],
        batch_size=1000,
    )
    today = timezone.localdate()
    TrainingRecord.objects.bulk_create(
        [
            TrainingRecord(leader=leader, module=module, status="completed", completed_on=today)
            for leader in leaders[::2]
        ],
        batch_size=1000,
    )
    Activity.objects.bulk_create(
        [
            Activity(
                leader=leader,
                kind=Activity.Kind.LOCAL_MEETING,
                date=today - timedelta(days=number % 300),
                hours=2,
                status="verified",
            )
            for number, leader in enumerate(leaders[::3])
        ],
        batch_size=1000,
    )


LIST_QUERIES = [
    {},
    {"sort": "recent", "page": "2"},
    {
        "region": YORKSHIRE,
        "skills": ["public-speaking", "writing"],
        "interests": "sharing-my-story",
        "available": "online",
        "modules": FIRST_MODULE,
        "q": "bulk leader",
    },
]


def queries_for_each_list(client):
    """The number of queries each of ``LIST_QUERIES`` takes to draw the list
    afresh, once the lists to choose from are in the cache (the first request
    reads them), and then from the kept page."""
    from leaders.views.directory import KEPT_LISTS

    counts = []
    for query in LIST_QUERIES:
        client.get(LIST, query)
        KEPT_LISTS.clear()
        with CaptureQueriesContext(connection) as drawing:
            drawn = client.get(LIST, query)
        with CaptureQueriesContext(connection) as keeping:
            kept = client.get(LIST, query)
        assert drawn.status_code == kept.status_code == 200
        assert drawn.context["leaders"], f"nothing listed for {query}"
        assert main_content(kept) == main_content(drawn)
        counts.append((len(drawing), len(keeping)))
    return counts


def test_the_list_runs_in_the_same_number_of_queries_with_10_or_10000_leaders(staff):
    bulk_directory_leaders(10)
    with_ten = queries_for_each_list(staff)

    bulk_directory_leaders(9990, start=10)
    with_ten_thousand = queries_for_each_list(staff)

    assert Leader.objects.in_directory().count() == 10000
    assert with_ten_thousand == with_ten
    assert max(drawing for drawing, _ in with_ten) <= 10
    # From the kept page: the session, the account and the directory's version.
    assert {keeping for _, keeping in with_ten} == {3}


def test_the_lists_to_choose_from_follow_writes_that_bypass_save():
    from leaders.choices import directory_choices

    before = directory_choices()
    Skill.objects.bulk_create(
        [Skill(name="Writing in Easy Read", slug="easy-read-writing", position=99)]
    )
    LocalAuthority.objects.filter(gss_code=LEEDS).update(name="Leeds City")

    after = directory_choices()
    assert ("easy-read-writing", "Writing in Easy Read") not in before.skills
    assert ("easy-read-writing", "Writing in Easy Read") in after.skills
    assert (LEEDS, "Leeds City") in after.council_choices


def test_the_lists_to_choose_from_are_kept_when_only_leaders_change(leaders):
    from leaders.choices import directory_choices

    directory_choices()
    directory_leader("Aaron Adams")

    with CaptureQueriesContext(connection) as queries:
        directory_choices()
    assert len(queries) == 1  # the version, not the lists
