"""The open data files: the ULO directory as Open Referral UK 3.0 and the awards
as 360Giving, checked against the field lists of the standards themselves."""

import datetime
import json
import re
import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.leaders.factories import council
from tests.ulos.factories import AwardFactory, FundingProgrammeFactory, UloFactory
from ulos.models import Region, Service

pytestmark = pytest.mark.django_db

OPEN_REFERRAL_URL = reverse("ulos:open_referral")
GRANTS_URL = reverse("ulos:grants")

# Open Referral UK 3.0. Copied from the standard's own files:
# - the page envelope: tpximpact/mhclg-oruk public/specifications/3.0/examples/service_list.json
#   (commit 8d0e01d8), served at https://openreferraluk.org/specifications/3.0/
# - service and attribute: tpximpact/mhclg-oruk public/specifications/3.0/schemata/service.json
#   and attribute.json (commit b87c6dd6)
# - organization: tpximpact/mhclg-oruk public/specifications/3.0/schemata/organization.json
#   (commit 7424fd6e)
# - taxonomy_term: tpximpact/mhclg-oruk specifications/3.0/schemata/taxonomy_term.json
#   (commit 7eab8824)
# - service_area (not published on its own there): the UK profile compiled into
#   OpenReferralUK/uk-profile schema/compiled/service.json (commit 566ddb69), which matches
#   the service_areas of the example service_full.json above.
ORUK_PAGE = {
    "fields": {
        "total_items",
        "total_pages",
        "page_number",
        "size",
        "first_page",
        "last_page",
        "empty",
        "contents",
    },
    "required": {
        "total_items",
        "total_pages",
        "page_number",
        "size",
        "first_page",
        "last_page",
        "empty",
        "contents",
    },
}
ORUK_SERVICE = {
    "fields": {
        "id",
        "organization_id",
        "name",
        "description",
        "url",
        "email",
        "status",
        "fees",
        "accreditations",
        "minimum_age",
        "maximum_age",
        "assured_date",
        "assurer_email",
        "alert",
        "last_modified",
        "schedules",
        "service_areas",
        "service_at_locations",
        "languages",
        "organization",
        "funding",
        "cost_options",
        "contacts",
        "attributes",
    },
    "required": {"id", "name", "status"},
}
ORUK_SERVICE_STATUSES = {"active", "inactive", "defunct", "temporarily closed"}
ORUK_ORGANIZATION = {
    "fields": {
        "id",
        "name",
        "description",
        "email",
        "website",
        "logo",
        "uri",
        "parent_organization_id",
        "organization_identifiers",
        "attributes",
    },
    "required": {"id", "name", "description"},
}
ORUK_SERVICE_AREA = {
    "fields": {"id", "service_id", "name", "extent", "extent_type", "uri", "service_area"},
    "required": {"id"},
}
ORUK_ATTRIBUTE = {
    "fields": {"id", "link_id", "taxonomy_term_id", "link_type", "taxonomy_term"},
    "required": {"id"},
}
ORUK_TAXONOMY_TERM = {
    "fields": {
        "id",
        "name",
        "description",
        "parent_id",
        "taxonomy",
        "taxonomy_id",
        "term_uri",
        "term",
    },
    "required": {"id", "name", "description"},
}

# 360Giving Data Standard. Copied from ThreeSixtyGiving/standard:
# - schema/360-giving-package-schema.json (commit 0286134e)
# - schema/360-giving-schema.json (commit 00410d1b): the grant, and its Organization,
#   Location and GrantProgramme definitions
# - codelists/geoCodeType.csv (commit f902d644)
GIVING_PACKAGE = {
    "fields": {
        "grants",
        "version",
        "title",
        "description",
        "issued",
        "modified",
        "identifier",
        "publisher",
        "downloadURL",
        "accessURL",
        "license",
    },
    "required": {"grants"},
}
GIVING_PUBLISHER = {"fields": {"identifier", "name", "website", "logo"}, "required": {"name"}}
GIVING_GRANT = {
    "fields": {
        "id",
        "title",
        "description",
        "currency",
        "amountAppliedFor",
        "amountAwarded",
        "amountDisbursed",
        "awardDate",
        "url",
        "plannedDates",
        "actualDates",
        "recipientOrganization",
        "beneficiaryLocation",
        "fundingOrganization",
        "grantProgramme",
        "fromOpenCall",
        "fundingType",
        "classifications",
        "relatedDocument",
        "applicationTransaction",
        "commitmentTransaction",
        "disbursementTransaction",
        "relatedActivity",
        "dateModified",
        "dataSource",
    },
    "required": {
        "id",
        "title",
        "description",
        "currency",
        "amountAwarded",
        "awardDate",
        "recipientOrganization",
        "fundingOrganization",
    },
}
GIVING_ORGANIZATION = {
    "fields": {
        "id",
        "name",
        "department",
        "contactName",
        "charityNumber",
        "companyNumber",
        "streetAddress",
        "addressLocality",
        "addressRegion",
        "addressCountry",
        "postalCode",
        "telephone",
        "alternateName",
        "email",
        "description",
        "organisationType",
        "url",
        "location",
        "dateModified",
    },
    "required": {"id", "name"},
}
GIVING_LOCATION = {
    "fields": {
        "id",
        "name",
        "countryCode",
        "latitude",
        "longitude",
        "description",
        "geoCode",
        "geoCodeType",
        "dateModified",
    },
    "required": set(),
}
GIVING_GRANT_PROGRAMME = {
    "fields": {"code", "title", "description", "url", "dateModified"},
    "required": set(),
}
# The English rows of geoCodeType.csv for the areas the site knows: GSS prefix → codes.
GEO_CODE_TYPES_BY_PREFIX = {
    "E06": {"UA"},
    "E07": {"NMD"},
    "E08": {"MD"},
    "E09": {"LONB"},
    "E10": {"CTY"},
    "E12": {"GOR", "RGN"},
}
# The schema's own pattern for a full date.
GIVING_DATE = re.compile(r"^[0-9]{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])$")
GSS_CODE = re.compile(r"^E\d{8}$")
STATISTICAL_GEOGRAPHY = "http://statistics.data.gov.uk/id/statistical-geography/"


def check_fields(obj, spec, where):
    """Every required field present, and no field the standard does not define."""
    assert isinstance(obj, dict), f"{where} is not an object"
    missing = spec["required"] - obj.keys()
    unknown = obj.keys() - spec["fields"]
    assert not missing, f"{where} lacks required {sorted(missing)}"
    assert not unknown, f"{where} has fields outside the standard: {sorted(unknown)}"
    for name, value in obj.items():
        assert value not in (None, ""), f"{where}.{name} is empty"


def check_uuid(value, where):
    assert isinstance(value, str), f"{where} is not a string"
    assert str(uuid.UUID(value)) == value, f"{where} is not a UUID: {value}"


def check_date(value, where):
    assert GIVING_DATE.match(value), f"{where} is not YYYY-MM-DD: {value}"
    datetime.date.fromisoformat(value)


def check_date_time(value, where):
    assert "T" in value, f"{where} is not a date-time: {value}"
    parsed = datetime.datetime.fromisoformat(value)
    assert parsed.tzinfo is not None, f"{where} has no time zone: {value}"


def check_open_referral(data):
    check_fields(data, ORUK_PAGE, "page")
    assert isinstance(data["contents"], list)
    assert data["total_items"] == len(data["contents"])
    for field in ("total_items", "total_pages", "page_number", "size"):
        assert isinstance(data[field], int)
    for field in ("first_page", "last_page", "empty"):
        assert isinstance(data[field], bool)
    ids = []
    for index, service in enumerate(data["contents"]):
        where = f"contents[{index}]"
        check_fields(service, ORUK_SERVICE, where)
        check_uuid(service["id"], f"{where}.id")
        check_uuid(service["organization_id"], f"{where}.organization_id")
        assert service["status"] in ORUK_SERVICE_STATUSES
        assert service["url"].startswith("http")
        check_date_time(service["last_modified"], f"{where}.last_modified")
        if "assured_date" in service:
            check_date(service["assured_date"], f"{where}.assured_date")
        ids.append(service["id"])

        organization = service["organization"]
        check_fields(organization, ORUK_ORGANIZATION, f"{where}.organization")
        check_uuid(organization["id"], f"{where}.organization.id")
        assert organization["id"] == service["organization_id"]
        ids.append(organization["id"])

        for number, area in enumerate(service["service_areas"]):
            area_where = f"{where}.service_areas[{number}]"
            check_fields(area, ORUK_SERVICE_AREA, area_where)
            check_uuid(area["id"], f"{area_where}.id")
            assert area["service_id"] == service["id"]
            assert area["uri"].startswith(STATISTICAL_GEOGRAPHY)
            assert GSS_CODE.match(area["uri"].removeprefix(STATISTICAL_GEOGRAPHY))
            ids.append(area["id"])

        for number, attribute in enumerate(service["attributes"]):
            attribute_where = f"{where}.attributes[{number}]"
            check_fields(attribute, ORUK_ATTRIBUTE, attribute_where)
            check_uuid(attribute["id"], f"{attribute_where}.id")
            assert attribute["link_id"] == service["id"]
            term = attribute["taxonomy_term"]
            check_fields(term, ORUK_TAXONOMY_TERM, f"{attribute_where}.taxonomy_term")
            check_uuid(term["id"], f"{attribute_where}.taxonomy_term.id")
            assert attribute["taxonomy_term_id"] == term["id"]
            ids.append(attribute["id"])
    assert len(ids) == len(set(ids)), "ids are not unique"


def check_giving_location(place, where):
    check_fields(place, GIVING_LOCATION, where)
    assert GSS_CODE.match(place["geoCode"]), f"{where}.geoCode is not a GSS code"
    assert place["geoCodeType"] in GEO_CODE_TYPES_BY_PREFIX[place["geoCode"][:3]]


def check_giving_organizations(organizations, where, prefix):
    assert isinstance(organizations, list) and organizations, f"{where} is empty"
    for number, organization in enumerate(organizations):
        check_fields(organization, GIVING_ORGANIZATION, f"{where}[{number}]")
        assert organization["id"].startswith(f"{prefix}-")


def check_grants(data, prefix="360G-citizenleaders"):
    check_fields(data, GIVING_PACKAGE, "package")
    check_fields(data["publisher"], GIVING_PUBLISHER, "package.publisher")
    if "modified" in data:
        check_date_time(data["modified"], "package.modified")
    ids = []
    for index, grant in enumerate(data["grants"]):
        where = f"grants[{index}]"
        check_fields(grant, GIVING_GRANT, where)
        assert grant["id"].startswith(f"{prefix}-")
        assert len(grant["title"]) <= 140
        assert grant["currency"] == "GBP"
        assert isinstance(grant["amountAwarded"], int | float)
        assert not isinstance(grant["amountAwarded"], bool)
        check_date(grant["awardDate"], f"{where}.awardDate")
        check_date_time(grant["dateModified"], f"{where}.dateModified")
        check_giving_organizations(
            grant["recipientOrganization"], f"{where}.recipientOrganization", prefix
        )
        check_giving_organizations(
            grant["fundingOrganization"], f"{where}.fundingOrganization", prefix
        )
        for number, programme in enumerate(grant["grantProgramme"]):
            check_fields(programme, GIVING_GRANT_PROGRAMME, f"{where}.grantProgramme[{number}]")
        assert grant["beneficiaryLocation"], f"{where} has no beneficiary location"
        for number, place in enumerate(grant["beneficiaryLocation"]):
            check_giving_location(place, f"{where}.beneficiaryLocation[{number}]")
        ids.append(grant["id"])
    assert len(ids) == len(set(ids)), "grant ids are not unique"


def get_json(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return json.loads(response.content)


@pytest.fixture
def full_ulo():
    """A published ULO with everything filled in, serving two councils."""
    ulo = UloFactory(
        name="Leeds Disabled People's Organisation",
        slug="leeds-dpo",
        email="hello@leeds-dpo.example",
        website="https://leeds-dpo.example/",
        phone="0113 496 0000",
        last_checked_on=datetime.date(2025, 3, 31),
        councils=[council("E08000035"), council("E10000003")],
    )
    ulo.services.set(Service.objects.all()[:2])
    return ulo


# Open Referral UK


def test_open_referral_has_only_the_standards_fields(client, full_ulo):
    UloFactory(description="", councils=[council("E06000001")])

    data = get_json(client, OPEN_REFERRAL_URL)

    check_open_referral(data)
    assert data["total_items"] == 2


def test_open_referral_describes_the_ulo(client, full_ulo):
    [service] = get_json(client, OPEN_REFERRAL_URL)["contents"]

    assert service["name"] == "Leeds Disabled People's Organisation"
    assert service["status"] == "active"
    assert service["email"] == "hello@leeds-dpo.example"
    assert service["assured_date"] == "2025-03-31"
    assert service["url"] == "http://testserver/ulos/leeds-dpo/"
    assert service["organization"]["website"] == "https://leeds-dpo.example/"
    kinds = [attribute["taxonomy_term"]["name"] for attribute in service["attributes"]]
    assert kinds == [service.name for service in full_ulo.services.order_by("position", "name")]


def test_service_areas_carry_the_gss_codes_of_the_councils_served(client, full_ulo):
    [service] = get_json(client, OPEN_REFERRAL_URL)["contents"]

    areas = {area["name"]: area["uri"] for area in service["service_areas"]}
    assert areas == {
        "Cambridgeshire": f"{STATISTICAL_GEOGRAPHY}E10000003",
        "Leeds": f"{STATISTICAL_GEOGRAPHY}E08000035",
    }


def test_open_referral_leaves_out_unpublished_ulos(client, full_ulo):
    UloFactory(name="Draft Organisation", is_published=False)

    response = client.get(OPEN_REFERRAL_URL)

    names = [service["name"] for service in json.loads(response.content)["contents"]]
    assert names == ["Leeds Disabled People's Organisation"]
    assert b"Draft Organisation" not in response.content


def test_open_referral_ids_do_not_change_between_requests(client, full_ulo):
    first = get_json(client, OPEN_REFERRAL_URL)
    full_ulo.name = "Leeds DPO"
    full_ulo.save()

    second = get_json(client, OPEN_REFERRAL_URL)

    def ids(data):
        service = data["contents"][0]
        return (
            service["id"],
            service["organization"]["id"],
            [area["id"] for area in service["service_areas"]],
            [attribute["id"] for attribute in service["attributes"]],
        )

    assert ids(first) == ids(second)


def test_open_referral_of_an_empty_directory_is_an_empty_page(client):
    data = get_json(client, OPEN_REFERRAL_URL)

    check_open_referral(data)
    assert data["empty"] is True
    assert data["contents"] == []


# 360Giving


def test_grants_have_only_the_standards_fields(client, full_ulo):
    AwardFactory(ulo=full_ulo)
    AwardFactory(ulo=None, region=Region.objects.get(gss_code="E12000003"))

    data = get_json(client, GRANTS_URL)

    check_grants(data)
    assert len(data["grants"]) == 2
    assert data["license"] == (
        "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
    )


def test_a_grant_to_a_ulo_says_who_gave_what_to_whom(client, full_ulo):
    programme = FundingProgrammeFactory(
        name="ULO development fund", slug="ulo-development-fund", financial_year="2009/10"
    )
    award = AwardFactory(
        ulo=full_ulo,
        programme=programme,
        amount=Decimal("25000.00"),
        awarded_on=datetime.date(2009, 11, 2),
        purpose="To set up peer support groups.",
    )

    [grant] = get_json(client, GRANTS_URL)["grants"]

    assert grant["id"] == f"360G-citizenleaders-award-{award.pk}"
    assert grant["title"] == (
        "ULO development fund (2009/10): Leeds Disabled People's Organisation"
    )
    assert grant["description"] == "To set up peer support groups."
    assert grant["awardDate"] == "2009-11-02"
    assert grant["recipientOrganization"] == [
        {
            "id": "360G-citizenleaders-ulo-leeds-dpo",
            "name": "Leeds Disabled People's Organisation",
            "url": "https://leeds-dpo.example/",
        }
    ]
    assert grant["fundingOrganization"] == [
        {"id": "360G-citizenleaders-funder-department-of-health", "name": "Department of Health"}
    ]
    assert grant["grantProgramme"][0]["code"] == "ulo-development-fund"


def test_beneficiary_locations_are_the_councils_the_ulo_serves(client, full_ulo):
    AwardFactory(ulo=full_ulo)

    [grant] = get_json(client, GRANTS_URL)["grants"]

    places = [
        (place["name"], place["geoCode"], place["geoCodeType"], place["countryCode"])
        for place in grant["beneficiaryLocation"]
    ]
    assert places == [
        ("Cambridgeshire", "E10000003", "CTY", "GB"),
        ("Leeds", "E08000035", "MD", "GB"),
    ]


@pytest.mark.parametrize(
    ("gss_code", "code_type"),
    [("E06000001", "UA"), ("E08000035", "MD"), ("E09000033", "LONB"), ("E10000003", "CTY")],
)
def test_each_kind_of_council_gets_its_geo_code_type(client, gss_code, code_type):
    AwardFactory(ulo=UloFactory(councils=[council(gss_code)]))

    [grant] = get_json(client, GRANTS_URL)["grants"]

    [place] = grant["beneficiaryLocation"]
    assert (place["geoCode"], place["geoCodeType"]) == (gss_code, code_type)


def test_a_regional_award_benefits_the_region(client):
    yorkshire = Region.objects.get(gss_code="E12000003")
    AwardFactory(ulo=None, region=yorkshire)

    [grant] = get_json(client, GRANTS_URL)["grants"]

    assert grant["recipientOrganization"] == [
        {"id": "360G-citizenleaders-region-E12000003", "name": "Yorkshire and The Humber"}
    ]
    assert grant["beneficiaryLocation"] == [
        {
            "name": "Yorkshire and The Humber",
            "geoCode": "E12000003",
            "geoCodeType": "RGN",
            "countryCode": "GB",
        }
    ]


def test_awards_to_unpublished_ulos_are_left_out(client, full_ulo):
    AwardFactory(ulo=full_ulo)
    draft = UloFactory(name="Draft Organisation", slug="draft-org", is_published=False)
    AwardFactory(ulo=draft, purpose="Secret purpose.")

    response = client.get(GRANTS_URL)

    grants = json.loads(response.content)["grants"]
    assert [grant["recipientOrganization"][0]["name"] for grant in grants] == [
        "Leeds Disabled People's Organisation"
    ]
    for text in (b"Draft Organisation", b"draft-org", b"Secret purpose."):
        assert text not in response.content


def test_amounts_are_numbers_in_pounds_and_pence(client, full_ulo):
    AwardFactory(ulo=full_ulo, amount=Decimal("12345.67"))

    response = client.get(GRANTS_URL)

    [grant] = json.loads(response.content)["grants"]
    assert grant["amountAwarded"] == 12345.67
    assert Decimal(str(grant["amountAwarded"])) == Decimal("12345.67")
    assert b'"amountAwarded": 12345.67' in response.content


def test_grant_ids_use_the_prefix_from_the_settings(client, settings, full_ulo):
    settings.OPEN_DATA_360GIVING_PREFIX = "360G-example"
    award = AwardFactory(ulo=full_ulo)

    data = get_json(client, GRANTS_URL)

    check_grants(data, prefix="360G-example")
    assert data["grants"][0]["id"] == f"360G-example-award-{award.pk}"


def test_a_long_title_is_cut_to_140_characters(client):
    ulo = UloFactory(name="A" * 200)
    AwardFactory(ulo=ulo)

    [grant] = get_json(client, GRANTS_URL)["grants"]

    assert len(grant["title"]) == 140


# Both files


@pytest.mark.parametrize(
    ("url", "filename"),
    [
        (OPEN_REFERRAL_URL, "citizen-leaders-open-referral.json"),
        (GRANTS_URL, "citizen-leaders-360giving.json"),
    ],
)
def test_files_are_cacheable_json_for_anyone(client, url, filename):
    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == f'inline; filename="{filename}"'
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert cache_control == {"public", "max-age=300"}
    assert client.head(url).status_code == 200
    assert client.post(url).status_code == 405


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", [OPEN_REFERRAL_URL, GRANTS_URL])
def test_queries_do_not_grow_with_the_rows(client, url):
    services = list(Service.objects.all()[:3])
    region = Region.objects.get(gss_code="E12000003")

    def add_ulo_and_awards():
        ulo = UloFactory(councils=[council("E08000035"), council("E10000003")])
        ulo.services.set(services)
        AwardFactory(ulo=ulo)
        AwardFactory(ulo=None, region=region)

    add_ulo_and_awards()
    with_one = count_queries(client, url)
    for _ in range(19):
        add_ulo_and_awards()

    assert count_queries(client, url) == with_one
    assert with_one <= 3
