"""Scope, everywhere in the back office: for every model registered in the
admin, a regional coordinator sees only their region's records and council
staff with back-office access only their own council's, read-only, and never
a leader's private details. Lists, change, history and delete pages,
autocompletes, list filters and CSV exports all keep to scope; another
record's address is not found (404).

The tests loop over ``admin.site._registry``: a model registered later fails
here until ``RECORDS`` says how to make one of its records for a council.
"""

import csv
import io

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.admin.options import IS_POPUP_VAR
from django.test import RequestFactory
from django.urls import reverse

from citizenleaders.admin_site import NationalListAdmin, ScopedHistoryAdmin, ScopedModelAdmin
from citizenleaders.models import StaffRole, User
from citizenleaders.roles import Role
from leaders.models import Application
from tests.citizenleaders.factories import (
    OutboundEmailFactory,
    StaffInvitationFactory,
    UserFactory,
)
from tests.citizenleaders.test_exports import xlsx_as_csv_rows
from tests.conftest import make_person
from tests.events.factories import EventFactory, RegistrationFactory
from tests.leaders.factories import (
    ActivityFactory,
    ApplicationFactory,
    InvolvementMatchFactory,
    InvolvementRequestFactory,
    LeaderFactory,
    StoryFactory,
    TrainingRecordFactory,
    council,
)
from tests.ulos.factories import AwardFactory, UloFactory
from ulos.models import Assessment, Criterion

pytestmark = pytest.mark.django_db

LEEDS = "E08000035"  # Yorkshire and The Humber: the regional coordinator's region
BRADFORD = "E08000032"  # also Yorkshire: another council of the same region
MANCHESTER = "E08000003"  # North West: another region

ACCESS_NEEDS = "Needs a hearing loop and step-free access (private)"
PHONE = "07700 900461"
NOTES = "Internal note about the applicant (private)"
QUESTION = "A question for the leader about this (private)"
PRIVATE = [
    ACCESS_NEEDS,
    PHONE,
    NOTES,
    QUESTION,
    "Large print",  # formats
    "Text message",  # how to contact them
    "private.leader@example.org",  # not shared
]


def leader_in(gss_code, **kwargs):
    kwargs.setdefault("in_directory", True)
    return LeaderFactory(local_authority=council(gss_code), **kwargs)


def staff_role_in(gss_code):
    return StaffRole.objects.create(
        user=UserFactory(), kind=StaffRole.Kind.COUNCIL_STAFF, local_authority=council(gss_code)
    )


def assessment_in(gss_code):
    return Assessment.objects.create(
        ulo=UloFactory(councils=[council(gss_code)]),
        criterion=Criterion.objects.first(),
        result=Assessment.Result.MET,
    )


# How to make a record whose scope is a council, for each model with a scope.
# Accounts, their addresses and two-factor devices belong to no council: they
# are for national coordinators only, so any record will do.
def event_in(gss_code):
    host = council(gss_code)
    return EventFactory(region=host.region, host_council=host)


RECORDS = {
    "citizenleaders.user": lambda gss_code: UserFactory(),
    "account.emailaddress": lambda gss_code: EmailAddress.objects.get(user=UserFactory()),
    "mfa.authenticator": lambda gss_code: Authenticator.objects.get(
        user=UserFactory(two_factor=True)
    ),
    "citizenleaders.staffrole": staff_role_in,
    "citizenleaders.outboundemail": lambda gss_code: OutboundEmailFactory(),
    "citizenleaders.staffinvitation": lambda gss_code: StaffInvitationFactory(
        local_authority=council(gss_code)
    ),
    "ulos.localauthority": council,
    "ulos.ulo": lambda gss_code: UloFactory(councils=[council(gss_code)]),
    "ulos.assessment": assessment_in,
    "ulos.award": lambda gss_code: AwardFactory(ulo=UloFactory(councils=[council(gss_code)])),
    "leaders.application": lambda gss_code: ApplicationFactory(local_authority=council(gss_code)),
    "leaders.leader": leader_in,
    "leaders.trainingrecord": lambda gss_code: TrainingRecordFactory(leader=leader_in(gss_code)),
    "leaders.activity": lambda gss_code: ActivityFactory(
        leader=leader_in(gss_code), local_authority=council(gss_code)
    ),
    "leaders.story": lambda gss_code: StoryFactory(leader=leader_in(gss_code)),
    "leaders.involvementrequest": lambda gss_code: InvolvementRequestFactory(
        local_authority=council(gss_code)
    ),
    "leaders.involvementmatch": lambda gss_code: InvolvementMatchFactory(
        request=InvolvementRequestFactory(local_authority=council(gss_code)),
        leader=leader_in(gss_code),
    ),
    "events.event": lambda gss_code: event_in(gss_code),
    "events.registration": lambda gss_code: RegistrationFactory(event=event_in(gss_code)),
}
NATIONAL_ONLY = {
    "citizenleaders.user",
    "citizenleaders.outboundemail",
    "account.emailaddress",
    "mfa.authenticator",
}

# What council staff with back-office access may see (read-only).
COUNCIL_STAFF_MODELS = {
    "leaders.leader",
    "leaders.activity",
    "leaders.involvementrequest",
    "leaders.involvementmatch",
    "events.event",
    "events.registration",
    "ulos.localauthority",
    "ulos.ulo",
}


def label(model):
    return model._meta.label_lower


REGISTERED = sorted(admin.site._registry, key=label)
SCOPED = [
    model for model in REGISTERED if not isinstance(admin.site._registry[model], NationalListAdmin)
]


def url(model, action, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


def fake_request(user):
    """A request by ``user`` as they are now (roles are worked out per request)."""
    request = RequestFactory().get("/admin/")
    request.user = User.objects.get(pk=user.pk)
    return request


def autocomplete_ids(client, model):
    """The ids the admin's autocomplete offers of ``model`` through every
    field pointing at it (all pages), or ``None`` where it offers none."""
    sources = [
        field
        for other in REGISTERED
        for field in other._meta.get_fields()
        if field.concrete and field.is_relation and field.related_model is model
    ]
    if not sources or not admin.site._registry[model].search_fields:
        return None
    found = set()
    for field in sources:
        page = 1
        while True:
            response = client.get(
                "/admin/autocomplete/",
                {
                    "app_label": field.model._meta.app_label,
                    "model_name": field.model._meta.model_name,
                    "field_name": field.name,
                    "term": "",
                    "page": page,
                },
            )
            if response.status_code == 403:
                return None
            data = response.json()
            found |= {result["id"] for result in data["results"]}
            if not data["pagination"]["more"]:
                break
            page += 1
    return found


def csv_export(client, model, selected=None):
    """The rows of the list's CSV export: of the records ``selected``, or of
    everything the list shows. ``None`` where the person cannot export.
    The Excel export, asked for the same, must give the same rows."""
    model_admin = admin.site._registry[model]
    if "export_as_csv" not in dict(model_admin.get_action_choices(fake_request(client.user))):
        return None
    data = {"action": "export_as_csv", "_selected_action": [obj.pk for obj in selected or []]}
    if selected is None:
        data["select_across"] = "1"
        data["_selected_action"] = ["0"]
    response = client.post(url(model, "changelist"), data)
    assert response["Content-Type"].startswith("text/csv"), response.content[:500]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    workbook = client.post(url(model, "changelist"), {**data, "action": "export_as_xlsx"})
    assert xlsx_as_csv_rows(workbook, rows) == rows
    return rows[1:]


class Client:
    """A test client that remembers who is logged in."""

    def __init__(self, client, user):
        client.force_login(user)
        self._client = client
        self.user = user

    def __getattr__(self, name):
        return getattr(self._client, name)


# Every admin keeps to scope -------------------------------------------------------------


def test_every_model_admin_narrows_to_scope():
    assert admin.site.check(None) == []
    for model in REGISTERED:
        assert isinstance(admin.site._registry[model], ScopedModelAdmin), label(model)
    missing = [label(model) for model in SCOPED if label(model) not in RECORDS]
    assert missing == [], f"Say in RECORDS how to make a record of: {', '.join(missing)}"


# Regional coordinators: their region only -------------------------------------------------


@pytest.mark.parametrize("model", SCOPED, ids=label)
def test_a_regional_coordinator_cannot_reach_another_regions_record(
    client, regional_coordinator, model
):
    client = Client(client, regional_coordinator)
    model_admin = admin.site._registry[model]
    request = fake_request(regional_coordinator)
    other = RECORDS[label(model)](MANCHESTER)
    own = None if label(model) in NATIONAL_ONLY else RECORDS[label(model)](LEEDS)
    may_see = model_admin.has_view_or_change_permission(request)
    may_delete = model_admin.has_delete_permission(request)
    assert may_see or label(model) in NATIONAL_ONLY, "expected regional coordinators to see it"

    listing = client.get(url(model, "changelist"))
    if may_see:
        html = listing.content.decode()
        assert listing.status_code == 200
        assert url(model, "change", other.pk) not in html
        assert url(model, "change", own.pk) in html  # the list itself works
        assert "Manchester" not in html  # not in the list, nor offered by a filter
    else:
        assert listing.status_code == 403

    for action, allowed in [("change", may_see), ("history", may_see), ("delete", may_delete)]:
        response = client.get(url(model, action, other.pk))
        assert response.status_code == (404 if allowed else 403), action
    if may_see:
        assert client.get(url(model, "change", own.pk)).status_code == 200
    assert model.objects.filter(pk=other.pk).exists()

    offered = autocomplete_ids(client, model)
    if offered is not None:
        assert str(other.pk) not in offered
        assert str(own.pk) in offered

    exported = csv_export(client, model, selected=[other])
    if exported is not None:
        assert exported == []
        everything = csv_export(client, model)
        assert len(everything) == listing.context["cl"].result_count


@pytest.mark.parametrize(
    "model", [model for model in SCOPED if label(model) not in NATIONAL_ONLY], ids=label
)
def test_a_regional_coordinator_cannot_change_or_delete_another_regions_record(
    client, regional_coordinator, model
):
    other = RECORDS[label(model)](MANCHESTER)

    client.force_login(regional_coordinator)
    change = client.post(url(model, "change", other.pk), {})
    delete = client.post(url(model, "delete", other.pk), {"post": "yes"})

    assert change.status_code in (403, 404)
    assert delete.status_code in (403, 404)
    assert model.objects.filter(pk=other.pk).exists()


# Council staff with back-office access: their council, read-only ----------------------------


@pytest.fixture
def council_staff_admin(db):
    """Council staff of Leeds who may use the back office."""
    person = make_person(Role.COUNCIL_STAFF)
    StaffRole.objects.filter(user=person).update(admin_access=True)
    return person


@pytest.mark.parametrize("model", SCOPED, ids=label)
def test_council_staff_see_only_their_councils_records_read_only(
    client, council_staff_admin, model
):
    client = Client(client, council_staff_admin)
    other = RECORDS[label(model)](BRADFORD)

    listing = client.get(url(model, "changelist"))
    if label(model) not in COUNCIL_STAFF_MODELS:
        assert listing.status_code == 403
        assert client.get(url(model, "change", other.pk)).status_code == 403
        return

    own = RECORDS[label(model)](LEEDS)
    listing = client.get(url(model, "changelist"))
    html = listing.content.decode()
    assert listing.status_code == 200
    assert url(model, "change", own.pk) in html
    assert url(model, "change", other.pk) not in html
    assert "Bradford" not in html
    for action in ("change", "history"):
        assert client.get(url(model, action, other.pk)).status_code == 404, action
    assert client.get(url(model, "delete", other.pk)).status_code == 403

    page = client.get(url(model, "change", own.pk))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # read-only
    assert client.post(url(model, "change", own.pk), {}).status_code == 403
    assert client.get(url(model, "add")).status_code == 403

    offered = autocomplete_ids(client, model)
    if offered is not None:
        assert str(other.pk) not in offered
        assert str(own.pk) in offered
    exported = csv_export(client, model, selected=[other])
    if exported is not None:
        assert exported == []
        assert len(csv_export(client, model)) == listing.context["cl"].result_count


def test_council_staff_see_only_leaders_in_the_directory(client, council_staff_admin):
    listed = leader_in(LEEDS)
    hidden = leader_in(LEEDS, in_directory=False)
    paused = leader_in(LEEDS, status="paused")
    client.force_login(council_staff_admin)

    shown = list(client.get(url(listed.__class__, "changelist")).context["cl"].result_list)

    assert shown == [listed]
    for leader in (hidden, paused):
        assert client.get(url(leader.__class__, "change", leader.pk)).status_code == 404

    listed.in_directory = False  # the leader leaves the directory
    listed.save()
    assert client.get(url(listed.__class__, "change", listed.pk)).status_code == 404


def may_see_history(model_admin, request):
    """The audit history (``ScopedHistoryAdmin``) is for coordinators only:
    council staff get 403 there (``test_history.py``)."""
    if isinstance(model_admin, ScopedHistoryAdmin):
        return model_admin.has_view_history_permission(request)
    return True


def every_page(client, user):
    """Every back-office page the person can open: the index, each app, and
    each list with its records' pages and history, its CSV export and
    autocompletes."""
    pages = [client.get("/admin/")]
    request = fake_request(user)
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_view_or_change_permission(request):
            continue
        pages.append(client.get(reverse("admin:app_list", args=[model._meta.app_label])))
        listing = client.get(url(model, "changelist"))
        pages.append(listing)
        for obj in listing.context["cl"].result_list:
            pages.append(client.get(url(model, "change", obj.pk)))
            if may_see_history(model_admin, request):
                pages.append(client.get(url(model, "history", obj.pk)))
            pages.append(client.get(url(model, "change", obj.pk), {IS_POPUP_VAR: "1"}))
        if csv_export(client, model) is not None:
            pages.append(
                client.post(
                    url(model, "changelist"),
                    {"action": "export_as_csv", "select_across": "1", "_selected_action": ["0"]},
                )
            )
        for search in ("", "0770", "example.org"):
            pages.append(client.get(url(model, "changelist"), {"q": search}))
    return pages


def test_council_staff_never_see_a_leaders_private_details(client, council_staff_admin):
    leader = leader_in(
        LEEDS,
        user=UserFactory(email="private.leader@example.org"),
        phone=PHONE,
        access_needs=ACCESS_NEEDS,
        formats=["large_print"],
        contact_methods=["text"],
        bio="I help councils listen to carers.",
        application=ApplicationFactory(
            local_authority=council(LEEDS), notes=NOTES, phone=PHONE, access_needs=ACCESS_NEEDS
        ),
    )
    ActivityFactory(leader=leader, local_authority=council(LEEDS), query=QUESTION)
    involvement_request = InvolvementRequestFactory()
    involvement_request.leaders.add(leader)
    InvolvementMatchFactory(request=involvement_request, leader=leader)
    client = Client(client, council_staff_admin)

    pages = every_page(client, council_staff_admin)

    assert len(pages) > 20
    for response in pages:
        content = response.content.decode()
        assert response.status_code == 200, response.request["PATH_INFO"]
        for private in PRIVATE:
            assert private not in content, (private, response.request["PATH_INFO"])
    leader_page = client.get(url(leader.__class__, "change", leader.pk)).content.decode()
    assert "I help councils listen to carers." in leader_page  # what the directory shows
    assert "Not shared" in leader_page
    assert client.get(url(Application, "change", leader.application.pk)).status_code == 403

    leader.directory_shows_email = True  # the leader chooses to share it
    leader.save()
    leader_page = client.get(url(leader.__class__, "change", leader.pk)).content.decode()
    assert "private.leader@example.org" in leader_page


def test_council_staff_without_back_office_access_cannot_enter(client):
    staff = make_person(Role.COUNCIL_STAFF)
    client.force_login(staff)

    assert client.get("/admin/").status_code == 403
    assert client.get(url(Application, "changelist")).status_code == 403
