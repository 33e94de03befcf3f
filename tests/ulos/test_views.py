"""The public pages: the ULO directory, a ULO, coverage, councils and funding."""

import csv
import html
import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from citizenleaders.roles import Role
from tests.conftest import log_in, make_person
from tests.leaders.factories import council
from tests.ulos.factories import (
    AwardFactory,
    FundingProgrammeFactory,
    UloFactory,
    meet_all_criteria,
)
from ulos.models import LocalAuthority, Service, Stage, Ulo, UloStrategy
from ulos.selectors import coverage_cache_clear

pytestmark = pytest.mark.django_db

LEEDS, BRADFORD, CAMDEN = "E08000035", "E08000032", "E09000007"


def names_listed(response):
    return [ulo.name for ulo in response.context["ulos"]]


LISTED_ULO = re.compile(
    r'<h3 class="govuk-heading-s[^"]*"><a class="govuk-link" href="[^"]+">([^<]+)</a>'
)


def names_read(response):
    """The ULOs' names on the page, as a person reads them (whether the list
    was drawn for this request or kept from an earlier one)."""
    assert response.status_code == 200
    return [html.unescape(name) for name in LISTED_ULO.findall(response.content.decode())]


@pytest.fixture
def directory():
    advocacy = Service.objects.get(slug="advocacy")
    leeds_cil = UloFactory(
        name="Leeds Centre for Independent Living",
        councils=[council(LEEDS)],
        is_centre_for_independent_living=True,
    )
    leeds_cil.services.add(advocacy)
    UloFactory(name="Bradford Peer Network", councils=[council(BRADFORD)])
    UloFactory(name="Camden Advocacy Group", councils=[council(CAMDEN)]).services.add(advocacy)
    UloFactory(name="Leeds Draft Group", councils=[council(LEEDS)], is_published=False)


def test_the_directory_lists_published_ulos_only(client, directory):
    response = client.get(reverse("ulos:list"))

    assert names_listed(response) == [
        "Bradford Peer Network",
        "Camden Advocacy Group",
        "Leeds Centre for Independent Living",
    ]
    assert "3 organisations" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"region": "E12000003"}, ["Bradford Peer Network", "Leeds Centre for Independent Living"]),
        ({"council": LEEDS}, ["Leeds Centre for Independent Living"]),
        ({"service": "advocacy"}, ["Camden Advocacy Group", "Leeds Centre for Independent Living"]),
        ({"cil": "true"}, ["Leeds Centre for Independent Living"]),
        ({"q": "peer BRADFORD"}, ["Bradford Peer Network"]),
        ({"region": "E12000003", "service": "advocacy"}, ["Leeds Centre for Independent Living"]),
        ({"q": "nothing like this"}, []),
    ],
)
def test_filters_in_the_address_narrow_the_directory(client, directory, query, expected):
    response = client.get(reverse("ulos:list"), query)

    assert response.status_code == 200
    assert names_listed(response) == expected


def test_an_unknown_filter_value_says_what_is_wrong_and_filters_nothing(client, directory):
    response = client.get(reverse("ulos:list"), {"region": "NOT-A-REGION"})

    assert response.status_code == 200
    assert "Choose a region from the list" in response.content.decode()
    assert response.content.decode().count("<title>Error: ") == 1
    assert len(names_listed(response)) == 3


def test_the_directory_pages_by_20_and_keeps_the_filters_in_page_links(client):
    for number in range(45):
        UloFactory(name=f"Yorkshire ULO {number:02}", councils=[council(LEEDS)])

    first = client.get(reverse("ulos:list"), {"region": "E12000003"})
    last = client.get(reverse("ulos:list"), {"region": "E12000003", "page": "3"})
    past_the_end = client.get(reverse("ulos:list"), {"region": "E12000003", "page": "99"})

    assert len(names_listed(first)) == 20
    assert "?region=E12000003&amp;page=2" in first.content.decode()
    assert len(names_listed(last)) == 5
    assert names_listed(past_the_end) == names_listed(last)


def test_the_directory_takes_the_same_queries_however_many_ulos(
    client, django_assert_max_num_queries
):
    UloFactory(councils=[council(LEEDS)]).services.set(Service.objects.all())
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("ulos:list"), {"region": "E12000003", "service": "advocacy"})
    for _ in range(30):
        ulo = UloFactory(councils=[council(LEEDS), council(BRADFORD)])
        ulo.services.set(Service.objects.all())
        meet_all_criteria(ulo)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("ulos:list"), {"region": "E12000003", "service": "advocacy"})


def test_the_directory_is_kept_between_requests(client, directory):
    first = client.get(reverse("ulos:list"), {"region": "E12000003"})
    with CaptureQueriesContext(connection) as queries:
        again = client.get(reverse("ulos:list"), {"region": "E12000003"})

    assert (
        names_read(again)
        == names_read(first)
        == [
            "Bradford Peer Network",
            "Leeds Centre for Independent Living",
        ]
    )
    assert len(queries) == 0


def test_a_change_to_a_ulo_or_its_services_shows_in_the_directory_at_once(client, directory):
    def advocacy():
        return client.get(reverse("ulos:list"), {"service": "advocacy"})

    assert names_read(advocacy()) == [
        "Camden Advocacy Group",
        "Leeds Centre for Independent Living",
    ]

    bradford = Ulo.objects.get(name="Bradford Peer Network")
    bradford.services.add(Service.objects.get(slug="advocacy"))
    assert names_read(advocacy()) == [
        "Bradford Peer Network",
        "Camden Advocacy Group",
        "Leeds Centre for Independent Living",
    ]

    service = Service.objects.get(slug="advocacy")
    service.name = "Independent advocacy"
    service.save()
    assert ">Independent advocacy</option>" in advocacy().content.decode()

    camden = Ulo.objects.get(name="Camden Advocacy Group")
    camden.name = "Camden Disabled People's Group"
    camden.save()
    assert "Camden Disabled People's Group" in names_read(advocacy())

    Ulo.objects.filter(name="Leeds Draft Group").update(is_published=True)
    coverage_cache_clear()  # update() sends no signal: the caller says so
    assert "Leeds Draft Group" in names_read(client.get(reverse("ulos:list")))


def test_what_is_kept_of_the_directory_is_nobodys_own(client, directory, national_coordinator):
    log_in(client, national_coordinator)
    drawn_for_coordinator = client.get(reverse("ulos:list"))
    client.logout()

    visitor = client.get(reverse("ulos:list")).content.decode()

    assert "Log out" in drawn_for_coordinator.content.decode()
    assert "Log out" not in visitor
    assert "csrfmiddlewaretoken" not in visitor
    assert names_read(client.get(reverse("ulos:list"))) == names_read(drawn_for_coordinator)


def test_a_ulo_page_shows_what_is_public_and_the_criteria_it_meets(client):
    ulo = UloFactory(
        name="Leeds Centre for Independent Living",
        councils=[council(LEEDS), council(BRADFORD)],
        stage=Stage.NETWORKED,
        committee_user_share=90,
        email="hello@example.org",
    )
    meet_all_criteria(ulo)

    page = client.get(ulo.get_absolute_url()).content.decode()

    assert '<h1 class="govuk-heading-xl">Leeds Centre for Independent Living</h1>' in page
    assert "Established and networked" in page
    assert "Meets the ULO criteria" in page
    assert "90% are people who use support" in page
    assert 'href="/authorities/E08000032/"' in page
    assert "Works to the social model of disability" in page


def test_an_unpublished_ulo_is_found_only_by_coordinators_in_scope(client):
    draft = UloFactory(councils=[council(LEEDS)], is_published=False)
    camden_draft = UloFactory(councils=[council(CAMDEN)], is_published=False)

    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(make_person(Role.COUNCIL_STAFF))
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(make_person(Role.REGIONAL_COORDINATOR))
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "This organisation is not published" in response.content.decode()
    assert client.get(camden_draft.get_absolute_url()).status_code == 404
    client.force_login(make_person(Role.NATIONAL_COORDINATOR))
    assert client.get(camden_draft.get_absolute_url()).status_code == 200


def test_the_coverage_page_shows_england_each_region_and_every_area(client):
    UloFactory(councils=[council(LEEDS)], stage=Stage.NETWORKED)
    LocalAuthority.objects.filter(gss_code=BRADFORD).update(ulo_strategy=UloStrategy.ADOPTED)

    response = client.get(reverse("ulos:coverage"))
    page = response.content.decode()

    assert "<strong>1 of 153</strong>" in page
    assert len(response.context["areas"]) == 153
    assert [summary.name for summary in response.context["coverage"].regions][:2] == [
        "North East",
        "North West",
    ]
    assert page.count('href="/authorities/E08000035/"') >= 2  # the map and the table


def test_the_coverage_table_sorts_and_narrows_by_links_in_the_address(client):
    UloFactory(councils=[council(BRADFORD)], stage=Stage.EMERGING)
    UloFactory(councils=[council(LEEDS)], stage=Stage.NETWORKED)

    response = client.get(
        reverse("ulos:coverage"), {"region": "E12000003", "sort": "stage", "order": "desc"}
    )
    areas = [area.council.name for area in response.context["areas"]]

    assert len(areas) == 15
    assert areas[:2] == ["Leeds", "Bradford"]
    assert 'aria-sort="descending"' in response.content.decode()


def test_an_unknown_sort_or_region_falls_back_to_every_area_by_region(client):
    response = client.get(reverse("ulos:coverage"), {"sort": "<script>", "region": "nowhere"})

    assert response.status_code == 200
    assert len(response.context["areas"]) == 153
    assert response.context["areas"][0].council.region.name == "North East"


def test_the_coverage_csv_matches_the_table(client):
    UloFactory(councils=[council(LEEDS)], stage=Stage.NETWORKED)
    query = {"region": "E12000003", "sort": "council"}

    table = client.get(reverse("ulos:coverage"), query).context["areas"]
    download = client.get(reverse("ulos:coverage_csv"), query)
    rows = list(csv.reader(io.StringIO(download.content.decode())))

    assert download["Content-Type"].startswith("text/csv")
    assert "ulo-coverage-E12000003.csv" in download["Content-Disposition"]
    assert rows[0][:3] == ["GSS code", "Council area", "Region"]
    assert [row[1] for row in rows[1:]] == [area.council.name for area in table]
    leeds = next(row for row in rows if row[0] == LEEDS)
    assert leeds[3:6] == ["1", "Established and networked ULO", "no"]


def test_the_coverage_page_takes_the_same_queries_however_many_ulos(
    client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6) as few:
        client.get(reverse("ulos:coverage"))
    for gss_code in LocalAuthority.objects.values_list("gss_code", flat=True)[:60]:
        meet_all_criteria(UloFactory(councils=[council(gss_code)]))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("ulos:coverage"))


def test_a_change_shows_on_the_coverage_page_and_its_csv_at_once(client):
    ulo = UloFactory(councils=[council(LEEDS)], stage=Stage.EMERGING)
    assert "<strong>1 of 153</strong>" in client.get(reverse("ulos:coverage")).content.decode()
    client.get(reverse("ulos:coverage_csv"))

    ulo.local_authorities.add(council(BRADFORD))
    ulo.stage = Stage.NETWORKED
    ulo.save()

    assert "<strong>2 of 153</strong>" in client.get(reverse("ulos:coverage")).content.decode()
    rows = csv.reader(io.StringIO(client.get(reverse("ulos:coverage_csv")).content.decode()))
    bradford = next(row for row in rows if row[0] == BRADFORD)
    assert bradford[3:5] == ["1", "Established and networked ULO"]


def test_the_councils_page_lists_every_council_by_region(client):
    page = client.get(reverse("authorities:list")).content.decode()

    assert page.count('href="/authorities/E') == 153
    assert 'id="E12000007"' in page  # London


def test_a_council_page_shows_its_ulos_and_otherwise_its_strategy(client):
    UloFactory(name="Leeds Peer Network", councils=[council(LEEDS)])
    LocalAuthority.objects.filter(gss_code=BRADFORD).update(ulo_strategy=UloStrategy.IN_DEVELOPMENT)

    leeds = client.get(reverse("authorities:detail", args=[LEEDS])).content.decode()
    bradford = client.get(reverse("authorities:detail", args=[BRADFORD])).content.decode()

    assert "Leeds Peer Network" in leeds
    assert "Strategy in development" in bradford
    assert client.get("/authorities/E99999999/").status_code == 404


def test_a_council_page_says_which_councils_took_over_from_which(client):
    import datetime

    from django.utils.html import strip_tags

    old = LocalAuthority.objects.create(
        gss_code="E10000006",
        name="Cumbria",
        authority_type=council(LEEDS).authority_type,
        region=council(LEEDS).region,
        ended_on=datetime.date(2023, 3, 31),
    )
    old.successors.set([council(BRADFORD), council(LEEDS)])

    def text_of(gss_code):
        page = client.get(reverse("authorities:detail", args=[gss_code])).content.decode()
        return " ".join(strip_tags(page).split())

    ended, leeds, camden = text_of("E10000006"), text_of(LEEDS), text_of(CAMDEN)

    assert "This council ended on 31 March 2023." in ended
    assert "Its area is now covered by Bradford and Leeds." in ended
    assert "Took over fromCumbria" in leeds  # a summary list's key, then its value
    assert "Took over from" not in camden
    assert "Took over from" not in ended


def test_the_adult_social_care_lead_is_shown_only_to_staff_in_scope(client):
    LocalAuthority.objects.filter(gss_code=LEEDS).update(
        care_lead_name="Pat Lead", care_lead_email="pat.lead@leeds.example.org"
    )
    LocalAuthority.objects.filter(gss_code=CAMDEN).update(care_lead_name="Sam Camden")
    leeds = reverse("authorities:detail", args=[LEEDS])
    camden = reverse("authorities:detail", args=[CAMDEN])

    for role in (Role.ANONYMOUS, Role.MEMBER, Role.LEADER):
        person = make_person(role)
        if person:
            client.force_login(person)
        assert "Pat Lead" not in client.get(leeds).content.decode()
    for role in (Role.COUNCIL_STAFF, Role.REGIONAL_COORDINATOR, Role.NATIONAL_COORDINATOR):
        client.force_login(make_person(role))
        assert "pat.lead@leeds.example.org" in client.get(leeds).content.decode()
    client.force_login(make_person(Role.COUNCIL_STAFF))
    assert "Sam Camden" not in client.get(camden).content.decode()
    client.force_login(make_person(Role.REGIONAL_COORDINATOR))
    assert "Sam Camden" not in client.get(camden).content.decode()


def test_a_programme_page_shows_awarded_against_budget(client):
    programme = FundingProgrammeFactory(name="ULO development fund: Wave 2", budget=900000)
    AwardFactory(programme=programme, amount=Decimal("28000.00"))
    AwardFactory(programme=programme, amount=Decimal("31250.50"))

    page = client.get(programme.get_absolute_url()).content.decode()
    listing = client.get(reverse("ulos:programmes")).content.decode()

    assert "£900,000.00" in page
    assert "£59,250.50 in 2 awards" in page
    assert "£840,749.50" in page
    assert "£59,250.50" in listing
