"""The back office for ULOs, councils and funding, used as coordinators use it."""

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.leaders.factories import council
from tests.ulos.factories import (
    AwardFactory,
    FundingProgrammeFactory,
    UloFactory,
    meet_all_criteria,
)
from ulos.models import Assessment, Award, Criterion, LocalAuthority, Region, Ulo

pytestmark = pytest.mark.django_db

LEEDS, BRADFORD, WESTMINSTER = "E08000035", "E08000032", "E09000033"
ULOS = "/admin/ulos/ulo/"


def management_form(prefix, *, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def ulo_form(*, councils=(LEEDS,), awards=(), **fields):
    """What the ULO page sends: the ULO's fields, no assessments, and the
    awards given as dicts (new rows, or with ``id`` for existing ones)."""
    data = {
        "name": "Leeds Disability Forum",
        "slug": "leeds-disability-forum",
        "stage": "emerging",
        "description": "",
        "local_authorities": [council(code).pk for code in councils],
        "website": "",
        "email": "",
        "phone": "",
        "address": "",
        "postcode": "",
        "legal_form": "",
        "year_founded": "",
        "committee_user_share": "",
        "last_checked_on": "",
        **management_form("assessments"),
        **management_form(
            "awards", total=len(awards), initial=sum("id" in award for award in awards)
        ),
    }
    for index, award in enumerate(awards):
        for name, value in award.items():
            data[f"awards-{index}-{name}"] = value
    data.update(fields)
    return data


def new_award(programme, amount):
    return {
        "programme": programme.pk,
        "amount": amount,
        "awarded_on": "2008-10-01",
        "purpose": "To set up peer support groups.",
    }


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def listed(response):
    return list(response.context["cl"].result_list)


def exported(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.fixture
def programme():
    return FundingProgrammeFactory(name="ULO development fund", budget=Decimal("50000.00"))


# Funding stays within budget -------------------------------------------------


def test_an_award_over_the_budget_is_refused(client, national_coordinator, programme):
    AwardFactory(programme=programme, amount=Decimal("45000.00"))
    ulo = UloFactory()
    client.force_login(national_coordinator)

    response = client.post(
        "/admin/ulos/award/add/",
        {**new_award(programme, "6000.00"), "ulo": ulo.pk, "region": ""},
    )

    assert response.status_code == 200
    assert (
        "This would take ULO development fund over its budget of £50,000.00. £45,000.00 is "
        "already awarded, so the most you can award is £5,000.00."
    ) in response.content.decode()
    assert not Award.objects.filter(ulo=ulo).exists()


def test_an_award_within_the_budget_is_made(client, national_coordinator, programme):
    AwardFactory(programme=programme, amount=Decimal("45000.00"))
    ulo = UloFactory()
    client.force_login(national_coordinator)

    response = client.post(
        "/admin/ulos/award/add/",
        {**new_award(programme, "5000.00"), "ulo": ulo.pk, "region": ""},
    )

    assert response.status_code == 302
    assert ulo.awards.get().amount == Decimal("5000.00")


def test_awards_added_together_must_fit_the_budget_together(
    client, national_coordinator, programme
):
    ulo = UloFactory(slug="leeds-disability-forum")
    client.force_login(national_coordinator)
    two_awards = [new_award(programme, "30000.00"), new_award(programme, "30000.00")]

    response = client.post(
        reverse("admin:ulos_ulo_change", args=[ulo.pk]), ulo_form(awards=two_awards)
    )

    assert response.status_code == 200
    assert "over its budget of £50,000.00" in response.content.decode()
    assert not Award.objects.exists()


def test_awards_that_fit_the_budget_together_are_made(client, national_coordinator, programme):
    ulo = UloFactory(slug="leeds-disability-forum")
    client.force_login(national_coordinator)
    two_awards = [new_award(programme, "30000.00"), new_award(programme, "20000.00")]

    response = client.post(
        reverse("admin:ulos_ulo_change", args=[ulo.pk]), ulo_form(awards=two_awards)
    )

    assert response.status_code == 302
    assert sorted(ulo.awards.values_list("amount", flat=True)) == [
        Decimal("20000.00"),
        Decimal("30000.00"),
    ]


def test_raising_an_award_counts_its_new_amount_not_both(client, national_coordinator, programme):
    award = AwardFactory(programme=programme, amount=Decimal("40000.00"))
    client.force_login(national_coordinator)
    raised = {**new_award(programme, "45000.00"), "id": award.pk, "ulo": award.ulo_id}

    response = client.post(
        reverse("admin:ulos_ulo_change", args=[award.ulo_id]),
        ulo_form(awards=[raised], name=award.ulo.name, slug=award.ulo.slug),
    )

    assert response.status_code == 302
    award.refresh_from_db()
    assert award.amount == Decimal("45000.00")


def test_a_programme_shows_what_is_awarded_against_its_budget(
    client, national_coordinator, programme
):
    AwardFactory(programme=programme, amount=Decimal("12500.00"))
    client.force_login(national_coordinator)

    page = client.get(reverse("admin:ulos_fundingprogramme_change", args=[programme.pk]))

    assert "£12,500.00 awarded of £50,000.00; £37,500.00 left" in page.content.decode()


def test_a_budget_cannot_be_lowered_below_what_is_awarded(client, national_coordinator, programme):
    AwardFactory(programme=programme, amount=Decimal("30000.00"))
    client.force_login(national_coordinator)

    response = client.post(
        reverse("admin:ulos_fundingprogramme_change", args=[programme.pk]),
        {
            "name": programme.name,
            "slug": programme.slug,
            "financial_year": programme.financial_year,
            "funder": programme.funder,
            "budget": "25000.00",
            "description": "",
            **management_form("awards"),
        },
    )

    assert response.status_code == 200
    assert (
        "£30,000.00 is already awarded from this programme. Enter a budget of at least "
        "£30,000.00, or reduce the awards first"
    ) in response.content.decode()
    programme.refresh_from_db()
    assert programme.budget == Decimal("50000.00")


# A ULO's own rules -------------------------------------------------------------


def test_a_ulo_must_serve_at_least_one_council(client, national_coordinator):
    client.force_login(national_coordinator)

    response = client.post("/admin/ulos/ulo/add/", ulo_form(councils=()))

    assert response.status_code == 200
    assert "Choose at least one council whose area the ULO serves" in response.content.decode()
    assert not Ulo.objects.exists()


@pytest.mark.parametrize("slug", ["coverage", "funding", "open-data"])
def test_a_ulo_cannot_take_the_address_of_another_page(client, national_coordinator, slug):
    client.force_login(national_coordinator)

    response = client.post("/admin/ulos/ulo/add/", ulo_form(slug=slug))

    assert response.status_code == 200
    assert f"“{slug}” is the address of another page under /ulos/" in response.content.decode()
    assert not Ulo.objects.exists()


def committee_results(ulo):
    return dict(
        Assessment.objects.filter(ulo=ulo, criterion__committee_share_met__isnull=False)
        .values_list("criterion__committee_share_met", "result")
        .order_by()
    )


def test_a_committee_of_80_percent_meets_both_committee_criteria(client, national_coordinator):
    client.force_login(national_coordinator)

    response = client.post("/admin/ulos/ulo/add/", ulo_form(committee_user_share="80"))

    assert response.status_code == 302
    ulo = Ulo.objects.get()
    assert committee_results(ulo) == {51: Assessment.Result.MET, 75: Assessment.Result.MET}
    assert {a.assessed_by for a in ulo.assessments.all()} == {national_coordinator}


def test_a_committee_of_60_percent_partly_meets_the_75_percent_criterion(
    client, national_coordinator
):
    ulo = UloFactory(slug="leeds-disability-forum", committee_user_share=80)
    client.force_login(national_coordinator)

    response = client.post(
        reverse("admin:ulos_ulo_change", args=[ulo.pk]), ulo_form(committee_user_share="60")
    )

    assert response.status_code == 302
    assert committee_results(ulo) == {51: Assessment.Result.MET, 75: Assessment.Result.PARTLY_MET}
    assert {a.assessed_by for a in ulo.assessments.all()} == {national_coordinator}


def test_an_assessment_added_on_the_ulo_page_records_who_made_it(client, regional_coordinator):
    ulo = UloFactory(slug="leeds-disability-forum")
    criterion = Criterion.objects.get(title="Works to the social model of disability")
    client.force_login(regional_coordinator)

    response = client.post(
        reverse("admin:ulos_ulo_change", args=[ulo.pk]),
        {
            **ulo_form(),
            **management_form("assessments", total=1),
            "assessments-0-criterion": criterion.pk,
            "assessments-0-result": Assessment.Result.MET,
            "assessments-0-assessed_on": "2009-04-01",
            "assessments-0-evidence": "Its constitution says so.",
        },
    )

    assert response.status_code == 302
    assessment = ulo.assessments.get(criterion=criterion)
    assert assessment.assessed_by == regional_coordinator


# Regional coordinators see their region -----------------------------------------


def test_a_regional_coordinator_sees_only_ulos_in_their_region(client, regional_coordinator):
    leeds = UloFactory(councils=[council(LEEDS)])
    westminster = UloFactory(councils=[council(WESTMINSTER)])
    both_sides = UloFactory(councils=[council(LEEDS), council(BRADFORD)])
    client.force_login(regional_coordinator)

    response = client.get(ULOS)

    assert listed(response) == sorted([leeds, both_sides], key=lambda ulo: ulo.name)
    assert westminster.name not in response.content.decode()
    change_other = client.get(reverse("admin:ulos_ulo_change", args=[westminster.pk]))
    assert change_other.status_code == 404  # as if it did not exist


def test_a_regional_coordinator_cannot_choose_a_council_outside_their_region(
    client, regional_coordinator
):
    client.force_login(regional_coordinator)

    response = client.post("/admin/ulos/ulo/add/", ulo_form(councils=(WESTMINSTER,)))

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Ulo.objects.exists()


def test_the_council_autocomplete_offers_only_the_coordinators_region(
    client, regional_coordinator, national_coordinator
):
    def offered(user, term):
        client.force_login(user)
        query = {"app_label": "ulos", "model_name": "ulo", "field_name": "local_authorities"}
        response = client.get(reverse("admin:autocomplete"), {**query, "term": term})
        return [result["text"] for result in response.json()["results"]]

    assert offered(regional_coordinator, "Leeds") == ["Leeds"]
    assert offered(regional_coordinator, "Westminster") == []
    assert offered(national_coordinator, "Westminster") == ["Westminster"]


def test_councils_outside_the_region_are_kept_when_a_regional_coordinator_saves(
    client, regional_coordinator
):
    ulo = UloFactory(slug="leeds-disability-forum", councils=[council(LEEDS), council(WESTMINSTER)])
    client.force_login(regional_coordinator)

    response = client.post(
        reverse("admin:ulos_ulo_change", args=[ulo.pk]), ulo_form(councils=(BRADFORD,))
    )

    assert response.status_code == 302
    assert set(ulo.local_authorities.values_list("gss_code", flat=True)) == {
        BRADFORD,
        WESTMINSTER,
    }


def test_a_regional_coordinator_only_sees_funding(client, regional_coordinator, programme):
    award = AwardFactory(programme=programme)
    client.force_login(regional_coordinator)

    assert client.get(reverse("admin:ulos_award_change", args=[award.pk])).status_code == 200
    response = client.post(
        reverse("admin:ulos_award_change", args=[award.pk]),
        {**new_award(programme, "1.00"), "ulo": award.ulo_id, "region": ""},
    )

    assert response.status_code == 403
    award.refresh_from_db()
    assert award.amount == Decimal("25000.00")


def test_a_regional_coordinator_sees_only_their_regions_awards(client, regional_coordinator):
    leeds = AwardFactory(ulo=UloFactory(councils=[council(LEEDS)]))
    yorkshire = AwardFactory(ulo=None, region=Region.objects.get(gss_code="E12000003"))
    westminster = AwardFactory(ulo=UloFactory(councils=[council(WESTMINSTER)]))
    client.force_login(regional_coordinator)

    response = client.get("/admin/ulos/award/")

    assert set(listed(response)) == {leeds, yorkshire}
    assert westminster not in listed(response)


# Councils --------------------------------------------------------------------


def council_form(authority, **fields):
    return {
        "is_partner": "",
        "partner_since": "",
        "care_lead_name": "",
        "care_lead_role": "",
        "care_lead_email": "",
        "care_lead_phone": "",
        "ulo_strategy": authority.ulo_strategy,
        "ulo_strategy_date": "",
        "ulo_strategy_notes": "",
        "ended_on": "",
        **fields,
    }


def test_a_council_is_ended_and_its_successors_named(client, regional_coordinator):
    leeds, bradford = council(LEEDS), council(BRADFORD)
    client.force_login(regional_coordinator)

    response = client.post(
        reverse("admin:ulos_localauthority_change", args=[leeds.pk]),
        council_form(leeds, ended_on="2009-03-31", successors=[bradford.pk]),
    )

    assert response.status_code == 302
    leeds.refresh_from_db()
    assert leeds.ended_on == datetime.date(2009, 3, 31)
    assert list(leeds.successors.all()) == [bradford]
    assert leeds.region.gss_code == "E12000003"  # a regional coordinator cannot move it


def test_successors_need_the_date_the_council_ended(client, national_coordinator):
    leeds = council(LEEDS)
    client.force_login(national_coordinator)

    response = client.post(
        reverse("admin:ulos_localauthority_change", args=[leeds.pk]),
        council_form(
            leeds,
            name="Leeds",
            gss_code=LEEDS,
            authority_type=leeds.authority_type,
            region=leeds.region_id,
            successors=[council(BRADFORD).pk],
        ),
    )

    assert response.status_code == 200
    assert "Enter the date the council ended, or remove its successors" in (
        response.content.decode()
    )
    assert not LocalAuthority.objects.get(pk=leeds.pk).successors.exists()


def test_a_regional_coordinator_cannot_name_a_successor_outside_their_region(
    client, regional_coordinator
):
    leeds = council(LEEDS)
    client.force_login(regional_coordinator)

    response = client.post(
        reverse("admin:ulos_localauthority_change", args=[leeds.pk]),
        council_form(leeds, ended_on="2009-03-31", successors=[council(WESTMINSTER).pk]),
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not leeds.successors.exists()


# Filters ---------------------------------------------------------------------


def test_filter_ulos_by_whether_they_meet_the_criteria(client, national_coordinator):
    meets = UloFactory()
    meet_all_criteria(meets)
    does_not = UloFactory()
    client.force_login(national_coordinator)

    assert listed(client.get(ULOS, {"meets_criteria": "yes"})) == [meets]
    assert listed(client.get(ULOS, {"meets_criteria": "no"})) == [does_not]


def test_filter_ulos_by_the_region_of_the_councils_they_serve(client, national_coordinator):
    leeds = UloFactory(councils=[council(LEEDS), council(BRADFORD)])
    westminster = UloFactory(councils=[council(WESTMINSTER)])
    client.force_login(national_coordinator)

    yorkshire = council(LEEDS).region_id
    london = council(WESTMINSTER).region_id
    assert listed(client.get(ULOS, {"region": yorkshire})) == [leeds]
    assert listed(client.get(ULOS, {"region": london})) == [westminster]


def test_the_list_shows_whether_each_ulo_meets_the_criteria(client, national_coordinator):
    meets = UloFactory()
    meet_all_criteria(meets)
    UloFactory()
    client.force_login(national_coordinator)

    page = client.get(ULOS).content.decode()

    column = re.findall(r'class="field-meets_criteria"><img [^>]*alt="(\w+)"', page)
    assert sorted(column) == ["False", "True"]


# CSV export ------------------------------------------------------------------


def export(client, url, objects):
    return client.post(
        url,
        {"action": "export_as_csv", "index": "0", "_selected_action": [obj.pk for obj in objects]},
    )


def test_export_the_selected_ulos_as_csv(client, national_coordinator):
    chosen = UloFactory(
        name='=HYPERLINK("http://example.com")', councils=[council(LEEDS), council(BRADFORD)]
    )
    meet_all_criteria(chosen)
    UloFactory(name="Not chosen")
    client.force_login(national_coordinator)

    rows = exported(export(client, ULOS, [chosen]))

    assert rows == [
        [
            "Name",
            "Councils served",
            "Stage of development",
            "Meets criteria",
            "Centre for independent living",
            "Published",
            "Record last checked",
        ],
        [
            '\'=HYPERLINK("http://example.com")',
            "Bradford, Leeds",
            "Established",
            "Yes",
            "No",
            "Yes",
            "",
        ],
    ]


def test_the_export_never_includes_records_outside_the_coordinators_region(
    client, regional_coordinator
):
    leeds = UloFactory(councils=[council(LEEDS)])
    westminster = UloFactory(councils=[council(WESTMINSTER)])
    client.force_login(regional_coordinator)

    rows = exported(export(client, ULOS, [leeds, westminster]))

    assert [row[0] for row in rows[1:]] == [leeds.name]


def test_export_councils_as_csv(client, regional_coordinator):
    leeds = council(LEEDS)
    leeds.ended_on = datetime.date(2009, 3, 31)
    leeds.save()
    client.force_login(regional_coordinator)

    rows = exported(export(client, "/admin/ulos/localauthority/", [leeds, council(WESTMINSTER)]))

    assert rows == [
        [
            "Name",
            "GSS code",
            "Type",
            "Region",
            "Partner of the programme",
            "Strategy to develop a ULO",
            "Ended on",
        ],
        [
            "Leeds",
            LEEDS,
            "Metropolitan district",
            "Yorkshire and The Humber",
            "No",
            "No strategy",
            "2009-03-31",
        ],
    ]


# Queries do not grow with the rows -------------------------------------------


def queries_for(client, request):
    with CaptureQueriesContext(connection) as queries:
        response = request()
    assert response.status_code == 200
    return len(queries)


def test_the_ulo_list_and_export_run_the_same_queries_for_2_or_20_ulos(
    client, national_coordinator
):
    client.force_login(national_coordinator)
    ulos = [UloFactory(councils=[council(LEEDS), council(BRADFORD)]) for _ in range(2)]
    client.get(ULOS)  # content types and the like, cached once

    few_list = queries_for(client, lambda: client.get(ULOS))
    few_export = queries_for(client, lambda: export(client, ULOS, ulos))
    ulos += [UloFactory(councils=[council(LEEDS), council(BRADFORD)]) for _ in range(18)]
    for ulo in ulos[::3]:
        meet_all_criteria(ulo)

    assert queries_for(client, lambda: client.get(ULOS)) == few_list
    assert queries_for(client, lambda: export(client, ULOS, ulos)) == few_export


def test_the_programme_list_shows_awarded_and_left_without_a_query_per_row(
    client, national_coordinator
):
    client.force_login(national_coordinator)
    for _ in range(2):
        AwardFactory(programme=FundingProgrammeFactory(budget=Decimal("1000.00")), amount=250)
    client.get("/admin/ulos/fundingprogramme/")

    few = queries_for(client, lambda: client.get("/admin/ulos/fundingprogramme/"))
    for _ in range(10):
        AwardFactory(programme=FundingProgrammeFactory(budget=Decimal("1000.00")), amount=250)
    response = client.get("/admin/ulos/fundingprogramme/")

    assert queries_for(client, lambda: client.get("/admin/ulos/fundingprogramme/")) == few
    assert {(p.awarded, p.budget - p.awarded) for p in listed(response)} == {
        (Decimal("250.00"), Decimal("750.00"))
    }
    assert len(listed(response)) == 12
