"""Open data: the ULO directory as Open Referral UK, and the awards as 360Giving.

Both files are built from what the site already shows the public, and both are
published under the Open Government Licence v3.0 (the /data/ page says so).

Open Referral UK
    Follows Open Referral UK (ORUK) version 3.0, the UK profile of the Human
    Services Data Specification (HSDS) 3.0:
    https://openreferraluk.org/specifications/3.0/schemata/service.json (and the
    organization, attribute and taxonomy_term schemata beside it). The file is
    one page of the standard's ``/services`` list: a page envelope whose
    ``contents`` are services, each with its ``organization`` nested, as in the
    standard's example ``/specifications/3.0/examples/service_list.json``.

    Each published ULO is one service, provided by one organisation (the ULO).
    Every council it serves is a ``service_areas`` entry named after the council,
    whose ``uri`` is the ONS identifier of the council's area,
    ``http://statistics.data.gov.uk/id/statistical-geography/<GSS code>``. The
    kinds of support it offers are ``attributes`` linking to terms of our own
    taxonomy. The profile has no place for a telephone number on a service, an
    organisation or a contact, so phone numbers are left out; addresses are left
    out because the profile requires a structured address (city, county) that
    the directory does not record. Ids are UUIDs, as the profile requires,
    derived with uuid5 from the database keys so that they never change.

360Giving
    Follows the 360Giving Data Standard's JSON package schema
    (https://standard.threesixtygiving.org/,
    https://raw.githubusercontent.com/ThreeSixtyGiving/standard/master/schema/360-giving-package-schema.json
    and the grant schema ``360-giving-schema.json`` beside it): ``{"grants": [...]}``
    plus the package metadata. Each award is a grant in pounds (GBP) from the
    programme's funder. Its beneficiary locations are the councils the ULO
    serves, or the region for a regional award, with their GSS codes and the
    geoCodeType from the standard's codelist (``codelists/geoCodeType.csv``).

    Only awards to published ULOs and to regions appear: an award to a ULO
    that is not published would reveal an organisation the site does not show.

    Grant and organisation ids start with the publisher's 360Giving prefix,
    read from the ``OPEN_DATA_360GIVING_PREFIX`` setting ("360G-citizenleaders"
    until 360Giving issues the programme its own). The ULOs have no registered
    charity or company numbers on record, so their ids are built from the prefix
    too (``<prefix>-ulo-<address>``), as 360Giving's identifier guidance allows.
"""

import datetime
import uuid

from django.conf import settings
from django.db.models import Prefetch, Q
from django.http import JsonResponse
from django.urls import reverse
from django.utils.text import Truncator, slugify
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from ulos.models import Award, LocalAuthority, Service, Ulo

OPEN_GOVERNMENT_LICENCE = (
    "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
)
STATISTICAL_GEOGRAPHY = "http://statistics.data.gov.uk/id/statistical-geography/"
CACHE_SECONDS = 300

# Changing this namespace would change every published id: leave it alone.
ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:citizenleaders:open-data")
SUPPORT_TAXONOMY = "Citizen Leaders: kinds of support offered by user-led organisations"

# The first three characters of an English GSS code name its kind of area; the
# 360Giving geoCodeType codelist gives each kind a code.
GEO_CODE_TYPES = {
    "E06": "UA",  # Unitary authorities
    "E07": "NMD",  # Non-metropolitan districts
    "E08": "MD",  # Metropolitan districts
    "E09": "LONB",  # London boroughs (and the City of London)
    "E10": "CTY",  # Counties
    "E12": "RGN",  # Regions (from 1 April 2011)
}


def stable_id(*parts):
    """A UUID that is the same on every request for the same record."""
    return str(uuid.uuid5(ID_NAMESPACE, "/".join(str(part) for part in parts)))


def geo_code_type(gss_code):
    return GEO_CODE_TYPES.get(gss_code[:3])


def timestamp(value):
    """A date-time in UTC to the millisecond, as ORUK asks: 2025-04-01T09:30:00.000Z."""
    return value.astimezone(datetime.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def without_blanks(record):
    """The record without the optional fields we have no value for."""
    return {key: value for key, value in record.items() if value not in (None, "")}


def grants_prefix():
    return settings.OPEN_DATA_360GIVING_PREFIX


# Open Referral UK


def directory_ulos():
    """The published ULOs with everything the Open Referral file needs, in
    three queries however many there are."""
    return (
        Ulo.objects.published()
        .order_by("name", "pk")
        .prefetch_related(
            Prefetch("local_authorities", queryset=LocalAuthority.objects.order_by("name")),
            Prefetch("services", queryset=Service.objects.order_by("position", "name")),
        )
    )


def build_open_referral(ulos, request):
    """One page holding every service: the ORUK ``/services`` list format."""
    services = [open_referral_service(ulo, request) for ulo in ulos]
    return {
        "total_items": len(services),
        "total_pages": 1,
        "page_number": 1,
        "size": len(services),
        "first_page": True,
        "last_page": True,
        "empty": not services,
        "contents": services,
    }


def open_referral_service(ulo, request):
    service_id = stable_id("ulo", ulo.pk, "service")
    organization = open_referral_organization(ulo)
    service = {
        "id": service_id,
        "organization_id": organization["id"],
        "name": ulo.name,
        "description": organization["description"],
        "url": request.build_absolute_uri(ulo.get_absolute_url()),
        "email": ulo.email,
        "status": "active",
        "assured_date": ulo.last_checked_on.isoformat() if ulo.last_checked_on else None,
        "last_modified": timestamp(ulo.updated_at),
        "service_areas": [
            {
                "id": stable_id("ulo", ulo.pk, "service-area", council.gss_code),
                "service_id": service_id,
                "name": council.name,
                "service_area": council.name,
                "uri": STATISTICAL_GEOGRAPHY + council.gss_code,
            }
            for council in ulo.local_authorities.all()
        ],
        "organization": organization,
        "attributes": [
            {
                "id": stable_id("ulo", ulo.pk, "attribute", kind.pk),
                "link_id": service_id,
                "taxonomy_term_id": stable_id("service-kind", kind.pk),
                "taxonomy_term": {
                    "id": stable_id("service-kind", kind.pk),
                    "name": kind.name,
                    "description": f"Kind of support: {kind.name}",
                    "taxonomy": SUPPORT_TAXONOMY,
                    "term": kind.name,
                },
            }
            for kind in ulo.services.all()
        ],
    }
    return without_blanks(service)


def open_referral_organization(ulo):
    return without_blanks(
        {
            "id": stable_id("ulo", ulo.pk, "organization"),
            "name": ulo.name,
            # Required by the profile, so a ULO without a description gets a plain one.
            "description": ulo.description
            or f"{ulo.name} is a user-led organisation, run and controlled by people "
            "who use support.",
            "email": ulo.email,
            "website": ulo.website,
        }
    )


# 360Giving


def open_awards():
    """Awards whose recipient the site shows the public: a published ULO or a
    region. In two queries however many there are."""
    return (
        Award.objects.filter(Q(ulo__is_published=True) | Q(region__isnull=False))
        .select_related("programme", "ulo", "region")
        .prefetch_related(
            Prefetch("ulo__local_authorities", queryset=LocalAuthority.objects.order_by("name"))
        )
        .order_by("awarded_on", "pk")
    )


def build_grants(awards, request):
    """A 360Giving data package of the awards."""
    prefix = grants_prefix()
    awards = list(awards)
    package = {
        "grants": [grant(award, request, prefix=prefix) for award in awards],
        "title": "Citizen Leaders: awards to user-led organisations",
        "description": (
            "Money awarded from the funding programmes for developing user-led "
            "organisations (ULOs) in England: to published ULOs, and to regions for "
            "capacity building."
        ),
        "publisher": {
            "name": settings.SITE_NAME,
            "website": request.build_absolute_uri(reverse("home")),
        },
        "license": OPEN_GOVERNMENT_LICENCE,
        "accessURL": request.build_absolute_uri(reverse("data")),
        "downloadURL": request.build_absolute_uri(reverse("ulos:grants")),
    }
    if awards:
        package["modified"] = timestamp(max(award.updated_at for award in awards))
    return package


def grant(award, request, *, prefix):
    programme = award.programme
    if award.ulo_id:
        recipient = ulo_recipient(award.ulo, prefix=prefix)
        locations = [location(council) for council in award.ulo.local_authorities.all()]
    else:
        recipient = {"id": f"{prefix}-region-{award.region.gss_code}", "name": award.region.name}
        locations = [location(award.region)]
    programme_url = request.build_absolute_uri(programme.get_absolute_url())
    return {
        "id": f"{prefix}-award-{award.pk}",
        "title": Truncator(f"{programme}: {recipient['name']}").chars(140),
        "description": award.purpose,
        "currency": "GBP",
        # Pounds and pence as a JSON number, not the string Django would make of a Decimal.
        "amountAwarded": float(award.amount),
        "awardDate": award.awarded_on.isoformat(),
        "url": programme_url,
        "recipientOrganization": [recipient],
        "fundingOrganization": [
            {"id": f"{prefix}-funder-{slugify(programme.funder)}", "name": programme.funder}
        ],
        "grantProgramme": [{"code": programme.slug, "title": str(programme), "url": programme_url}],
        "beneficiaryLocation": locations,
        "dateModified": timestamp(award.updated_at),
    }


def ulo_recipient(ulo, *, prefix):
    return without_blanks({"id": f"{prefix}-ulo-{ulo.slug}", "name": ulo.name, "url": ulo.website})


def location(area):
    """A council or region as a 360Giving location, named by its GSS code."""
    return without_blanks(
        {
            "name": area.name,
            "geoCode": area.gss_code,
            "geoCodeType": geo_code_type(area.gss_code),
            "countryCode": "GB",
        }
    )


# Views


def open_data_response(data, filename):
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_safe
@cache_control(public=True, max_age=CACHE_SECONDS)
def open_referral_json(request):
    """The published ULO directory in Open Referral UK 3.0 format."""
    data = build_open_referral(directory_ulos(), request)
    return open_data_response(data, "citizen-leaders-open-referral.json")


@require_safe
@cache_control(public=True, max_age=CACHE_SECONDS)
def grants_json(request):
    """The awards to published ULOs and to regions in 360Giving format."""
    data = build_grants(open_awards(), request)
    return open_data_response(data, "citizen-leaders-360giving.json")
