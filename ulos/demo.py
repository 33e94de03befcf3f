"""Demo ULOs, council strategies, funding programmes and awards.

Every organisation here is fictional and named as a demo. Most regions get
one or more; the East of England gets none, and some councils without a ULO
have a strategy to develop one. Running it again resets the same records and
creates nothing twice.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from ulos.models import (
    Assessment,
    Award,
    Criterion,
    FundingProgramme,
    LegalForm,
    LocalAuthority,
    Region,
    Service,
    Stage,
    Ulo,
    UloStrategy,
)
from ulos.selectors import coverage_cache_clear
from ulos.services import committee_assessments_update

# (slug, name, councils served, stage, committee share, CIL, services, meets all essentials)
DEMO_ULOS = [
    (
        "demo-leeds-independent-living",
        "Demo Leeds Centre for Independent Living",
        ["E08000035"],
        Stage.NETWORKED,
        90,
        True,
        "all",
        True,
    ),
    (
        "demo-bradford-peer-network",
        "Demo Bradford Peer Support Network",
        ["E08000032"],
        Stage.ESTABLISHED,
        80,
        False,
        ["peer-support", "information-and-advice", "user-involvement"],
        True,
    ),
    (
        "demo-west-yorkshire-advocacy",
        "Demo West Yorkshire Advocacy Collective",
        ["E08000033", "E08000034", "E08000036"],
        Stage.EMERGING,
        60,
        False,
        ["advocacy", "peer-support"],
        False,
    ),
    (
        "demo-tyneside-disabled-peoples-forum",
        "Demo Tyneside Disabled People's Forum",
        ["E08000021", "E08000022"],
        Stage.ESTABLISHED,
        85,
        True,
        ["information-and-advice", "direct-payments-support", "personal-assistants"],
        True,
    ),
    (
        "demo-manchester-choice-and-control",
        "Demo Manchester Choice and Control",
        ["E08000003"],
        Stage.NETWORKED,
        100,
        True,
        "all",
        True,
    ),
    (
        "demo-cumbria-carers-voice",
        "Demo Cumbria Carers' Voice",
        ["E06000063", "E06000064"],
        Stage.EMERGING,
        70,
        False,
        ["peer-support", "user-involvement"],
        False,
    ),
    (
        "demo-nottingham-independent-living",
        "Demo Nottingham Independent Living",
        ["E06000018"],
        Stage.ESTABLISHED,
        75,
        True,
        ["information-and-advice", "support-planning", "direct-payments-support"],
        True,
    ),
    (
        "demo-birmingham-user-voice",
        "Demo Birmingham User Voice",
        ["E08000025"],
        Stage.ESTABLISHED,
        78,
        False,
        ["advocacy", "user-involvement", "disability-equality-training"],
        False,
    ),
    (
        "demo-camden-and-islington-cil",
        "Demo Camden and Islington CIL",
        ["E09000007", "E09000019"],
        Stage.NETWORKED,
        88,
        True,
        "all",
        True,
    ),
    (
        "demo-lewisham-older-peoples-network",
        "Demo Lewisham Older People's Network",
        ["E09000023"],
        Stage.EMERGING,
        55,
        False,
        ["peer-support"],
        False,
    ),
    (
        "demo-brighton-disability-alliance",
        "Demo Brighton Disability Alliance",
        ["E06000043"],
        Stage.ESTABLISHED,
        92,
        True,
        ["information-and-advice", "advocacy", "personal-assistants"],
        True,
    ),
    (
        "demo-bristol-independent-futures",
        "Demo Bristol Independent Futures",
        ["E06000023"],
        Stage.ESTABLISHED,
        81,
        True,
        ["direct-payments-support", "support-planning", "peer-support"],
        True,
    ),
    (
        "demo-cornwall-rural-voices",
        "Demo Cornwall Rural Voices",
        ["E06000052"],
        Stage.EMERGING,
        65,
        False,
        ["information-and-advice"],
        False,
    ),
    (
        "demo-draft-organisation",
        "Demo Organisation Awaiting Checks",
        ["E10000015"],
        Stage.EMERGING,
        None,
        False,
        [],
        False,
    ),
]

# Councils without a demo ULO, and their strategy to develop one.
DEMO_STRATEGIES = {
    "E10000003": (UloStrategy.ADOPTED, datetime.date(2009, 6, 1)),  # Cambridgeshire
    "E10000020": (UloStrategy.ADOPTED, datetime.date(2009, 9, 15)),  # Norfolk
    "E10000029": (UloStrategy.IN_DEVELOPMENT, datetime.date(2010, 1, 12)),  # Suffolk
    "E08000017": (UloStrategy.IN_DEVELOPMENT, datetime.date(2009, 11, 3)),  # Doncaster
    "E06000047": (UloStrategy.ADOPTED, datetime.date(2009, 4, 20)),  # County Durham
    "E10000034": (UloStrategy.IN_DEVELOPMENT, datetime.date(2010, 2, 1)),  # Worcestershire
}

DEMO_PARTNERS = {
    "E08000035": datetime.date(2009, 4, 1),  # Leeds
    "E08000032": datetime.date(2009, 9, 1),  # Bradford
    "E08000003": datetime.date(2009, 6, 1),  # Manchester
    "E09000007": datetime.date(2010, 1, 1),  # Camden
}

PROGRAMMES = [
    (
        "ulo-development-fund-wave-1",
        "ULO development fund: Wave 1",
        "2007/08",
        Decimal("750000.00"),
        "The first wave of the Department of Health's fund to help user-led organisations "
        "develop, including the user-led action and learning sites.",
    ),
    (
        "ulo-development-fund-wave-2",
        "ULO development fund: Wave 2",
        "2008/09",
        Decimal("900000.00"),
        "The second wave of the fund, to help more organisations become user-led organisations.",
    ),
    (
        "regional-capacity-building-2009-10",
        "Regional capacity building",
        "2009/10",
        Decimal("300000.00"),
        "Capacity building for user-led organisations in three regions, through the Deputy "
        "Regional Directors for Social Care and Partnerships. (The budget here is demo data.)",
    ),
]

# (programme, ULO slug or region code, amount, date, purpose)
DEMO_AWARDS = [
    (
        "ulo-development-fund-wave-1",
        "demo-leeds-independent-living",
        "40000.00",
        datetime.date(2007, 11, 5),
        "To become an action and learning site and share what works.",
    ),
    (
        "ulo-development-fund-wave-1",
        "demo-manchester-choice-and-control",
        "35000.00",
        datetime.date(2007, 11, 5),
        "To set up support planning and brokerage run by disabled people.",
    ),
    (
        "ulo-development-fund-wave-1",
        "demo-camden-and-islington-cil",
        "38500.50",
        datetime.date(2007, 12, 10),
        "To help people recruit and employ personal assistants.",
    ),
    (
        "ulo-development-fund-wave-2",
        "demo-bradford-peer-network",
        "28000.00",
        datetime.date(2008, 10, 1),
        "To train peer supporters.",
    ),
    (
        "ulo-development-fund-wave-2",
        "demo-nottingham-independent-living",
        "31250.00",
        datetime.date(2008, 10, 1),
        "To open an information and advice service.",
    ),
    (
        "ulo-development-fund-wave-2",
        "demo-bristol-independent-futures",
        "26000.00",
        datetime.date(2008, 11, 17),
        "To support people using direct payments.",
    ),
    (
        "regional-capacity-building-2009-10",
        "E12000003",
        "100000.00",
        datetime.date(2009, 7, 1),
        "Capacity building for ULOs across Yorkshire and The Humber.",
    ),
    (
        "regional-capacity-building-2009-10",
        "E12000002",
        "100000.00",
        datetime.date(2009, 7, 1),
        "Capacity building for ULOs across the North West.",
    ),
    (
        "regional-capacity-building-2009-10",
        "E12000009",
        "90000.00",
        datetime.date(2009, 7, 1),
        "Capacity building for ULOs across the South West.",
    ),
]

STRATEGY_NOTE = "Demo note: the council is working with local disabled people's groups."

DEMO_NOTE = (
    "This is a fictional organisation, made up so that people can try the Citizen Leaders "
    "portal. It is run by disabled people, older people and carers in its area."
)


def seed_ulos(*, by=None):
    councils = {council.gss_code: council for council in LocalAuthority.objects.all()}
    services = {service.slug: service for service in Service.objects.all()}
    essential = list(Criterion.objects.filter(is_essential=True, committee_share_met__isnull=True))
    today = timezone.localdate()

    for gss_code, since in DEMO_PARTNERS.items():
        LocalAuthority.objects.filter(gss_code=gss_code).update(
            is_partner=True, partner_since=since
        )
    for gss_code, (strategy, date) in DEMO_STRATEGIES.items():
        LocalAuthority.objects.filter(gss_code=gss_code).update(
            ulo_strategy=strategy,
            ulo_strategy_date=date,
            ulo_strategy_notes=STRATEGY_NOTE,
        )
    # update() sends no signals; the coverage page shows the strategies.
    coverage_cache_clear()

    ulos = {}
    for slug, name, served, stage, share, cil, offered, meets in DEMO_ULOS:
        first = councils[served[0]]
        ulo, _ = Ulo.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "description": DEMO_NOTE,
                "website": f"https://{slug}.example.org/",
                "email": f"hello@{slug}.example.org",
                "phone": "0113 496 0000",
                "address": f"1 Example Street\n{first.name}",
                "postcode": "LS1 1AA",
                "is_centre_for_independent_living": cil,
                "legal_form": LegalForm.CIO if cil else LegalForm.CHARITY,
                "year_founded": 1995 + len(name) % 15,
                "committee_user_share": share,
                "stage": stage,
                "is_action_and_learning_site": stage == Stage.NETWORKED,
                "signed_cil_protocol": cil,
                "last_checked_on": today,
                "is_published": share is not None,
            },
        )
        ulo.local_authorities.set([councils[code] for code in served])
        ulo.services.set(services.values() if offered == "all" else [services[s] for s in offered])
        committee_assessments_update(ulo=ulo, by=by)
        for criterion in essential:
            Assessment.objects.update_or_create(
                ulo=ulo,
                criterion=criterion,
                defaults={
                    "result": Assessment.Result.MET if meets else Assessment.Result.PARTLY_MET,
                    "assessed_by": by,
                    "evidence": "Demo assessment.",
                },
            )
        ulos[slug] = ulo

    programmes = {}
    for slug, name, year, budget, description in PROGRAMMES:
        programmes[slug], _ = FundingProgramme.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "financial_year": year,
                "budget": budget,
                "description": description,
            },
        )
    regions = {region.gss_code: region for region in Region.objects.all()}
    for programme_slug, recipient, amount, date, purpose in DEMO_AWARDS:
        ulo = ulos.get(recipient)
        Award.objects.update_or_create(
            programme=programmes[programme_slug],
            ulo=ulo,
            region=None if ulo else regions[recipient],
            awarded_on=date,
            defaults={"amount": Decimal(amount), "purpose": purpose},
        )
