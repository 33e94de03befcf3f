"""The services ULOs offer and the key requirements for an organisation to
count as a ULO, as the programme started with them. Coordinators can edit
both in the back office.

Used by the data migration, with its historical models, and by tests that run
after a database flush. Loading again creates nothing twice. The criteria
decide which ULOs meet them, and historical models send no signals the site
listens to, so it forgets the coverage figures itself."""

from ulos.selectors import coverage_cache_clear

SERVICES = [
    ("information-and-advice", "Information and advice"),
    ("advocacy", "Advocacy"),
    ("peer-support", "Peer support"),
    ("direct-payments-support", "Support with direct payments and personal budgets"),
    ("support-planning", "Support planning and brokerage"),
    ("personal-assistants", "Help to recruit and employ personal assistants"),
    ("disability-equality-training", "Disability equality training"),
    ("user-involvement", "User involvement"),
]

# (title, description, essential, met from committee share, partly met from it)
CRITERIA = [
    (
        "Run and controlled by people who use support",
        "The people who use support decide how the organisation is run: more than half of its "
        "management committee are people who use support.",
        True,
        51,
        None,
    ),
    (
        "At least 75% of the management committee use support",
        "At least three quarters of the management committee are people who use support, and "
        "never fewer than half. Between half and three quarters counts as partly met.",
        True,
        75,
        50,
    ),
    (
        "Works to the social model of disability",
        "It sees disability as caused by barriers in society, not by a person's impairment, and "
        "works to remove those barriers.",
        True,
        None,
        None,
    ),
    (
        "Open to everyone who uses support",
        "It is open to people with any impairment, older people and carers.",
        True,
        None,
        None,
    ),
    (
        "Promotes equality and diversity",
        "It has a clear approach to equality and diversity in everything it does.",
        True,
        None,
        None,
    ),
    ("Offers peer support", "People who use support help each other.", False, None, None),
    (
        "Offers information and advice",
        "It gives people information and advice about support and independent living.",
        False,
        None,
        None,
    ),
    ("Offers advocacy", "It helps people speak up and be heard.", False, None, None),
    (
        "Supports people to use direct payments",
        "It helps people to take and manage direct payments and personal budgets.",
        False,
        None,
        None,
    ),
    (
        "Works in partnership with the council",
        "It works with its council to shape and improve support in the area.",
        True,
        None,
        None,
    ),
]


def load_services_and_criteria(service_model, criterion_model):
    for position, (slug, name) in enumerate(SERVICES, start=1):
        service_model.objects.get_or_create(
            slug=slug, defaults={"name": name, "position": position}
        )
    for position, (title, description, essential, met, partly) in enumerate(CRITERIA, start=1):
        criterion_model.objects.get_or_create(
            title=title,
            defaults={
                "description": description,
                "is_essential": essential,
                "position": position,
                "committee_share_met": met,
                "committee_share_partly_met": partly,
            },
        )
    coverage_cache_clear()
