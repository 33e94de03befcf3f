"""Every address in the project × every role → the answer that person gets.

A new URL pattern without a row here fails the suite: whoever adds a page
says who may see it. Staff in this table have two-factor authentication set
up (what happens without it is tested in ``test_two_factor.py``).
"""

import pytest
from django.forms.models import model_to_dict
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from citizenleaders.roles import Role
from leaders.models import (
    Interest,
    InvolvementMatch,
    InvolvementRequest,
    Module,
    Skill,
    TrainingRecord,
)
from tests.citizenleaders.factories import OutboundEmailFactory, StaffInvitationFactory
from tests.conftest import make_person
from tests.events.factories import EventFactory, RegistrationFactory
from tests.leaders.factories import (
    ActivityFactory,
    ApplicationFactory,
    InvolvementMatchFactory,
    InvolvementRequestFactory,
    LeaderFactory,
    StoryFactory,
    council,
)
from tests.ulos.factories import AwardFactory, UloFactory
from ulos.models import Assessment, Criterion, Service

pytestmark = pytest.mark.django_db

ANON, MEMBER, APPLICANT, LEADER, STAFF, REGIONAL, NATIONAL = (
    Role.ANONYMOUS,
    Role.MEMBER,
    Role.APPLICANT,
    Role.LEADER,
    Role.COUNCIL_STAFF,
    Role.REGIONAL_COORDINATOR,
    Role.NATIONAL_COORDINATOR,
)
SIGNED_IN = [MEMBER, APPLICANT, LEADER, STAFF, REGIONAL, NATIONAL]
ROLES = [ANON, *SIGNED_IN]

LOGIN = "login"  # 302 to the login page with ?next=
OK = 200
FORBIDDEN = 403
NOT_FOUND = 404


def everyone(answer):
    return dict.fromkeys(ROLES, answer)


def signed_in_only(answer=OK):
    return {ANON: LOGIN, **dict.fromkeys(SIGNED_IN, answer)}


def anonymous_only(answer_for_others):
    return {ANON: OK, **dict.fromkeys(SIGNED_IN, answer_for_others)}


# What a person of each role gets from each named address, for the site's own
# pages and the account pages. Redirects (other than to log in) are written
# as ("redirect", where).
EXPECTED = {
    "home": everyone(OK),
    "about:index": everyone(OK),
    "about:what-is-a-citizen-leader": everyone(OK),
    "about:who-can-become-one": everyone(OK),
    "about:what-leaders-do": everyone(OK),
    "about:what-you-gain": everyone(OK),
    "about:what-leaders-are-doing": everyone(OK),
    "about:user-led-organisations": everyone(OK),
    "accessibility": everyone(OK),
    "privacy": everyone(OK),
    "cookies": everyone(OK),
    "data": everyone(OK),
    "healthz": everyone(OK),
    "me": signed_in_only(),
    # Applying
    "apply:start": everyone(OK),
    # Filling in an application: anyone signed in who has not sent one. Those
    # who have (or who are leaders) are shown where they stand at /apply/.
    **{
        f"apply:{name}": {
            ANON: LOGIN,
            **dict.fromkeys([MEMBER, STAFF, REGIONAL, NATIONAL], OK),
            APPLICANT: ("redirect", "/apply/"),
            LEADER: ("redirect", "/apply/"),
        }
        for name in ["tasks", "section"]
    },
    # Checking answers needs every section done first.
    "apply:check": {
        ANON: LOGIN,
        **dict.fromkeys([MEMBER, STAFF, REGIONAL, NATIONAL], ("redirect", "/apply/your-")),
        APPLICANT: ("redirect", "/apply/"),
        LEADER: ("redirect", "/apply/"),
    },
    "apply:submit": signed_in_only(405),  # sending is a POST
    # The confirmation and withdrawing are for a sent application.
    **{
        f"apply:{name}": {
            ANON: LOGIN,
            **dict.fromkeys(SIGNED_IN, ("redirect", "/apply/")),
            APPLICANT: OK,
        }
        for name in ["confirmation", "withdraw"]
    },
    # A leader's own pages: other signed-in people are not leaders (403).
    **{
        f"leaders:{name}": {ANON: LOGIN, **dict.fromkeys(SIGNED_IN, FORBIDDEN), LEADER: OK}
        for name in [
            "profile",
            "training",
            "activities",
            "activity_add",
            "activity_edit",
            "stories",
            "story_add",
            "story_detail",
            "story_withdraw",
        ]
    },
    # Deleting a checked entry and editing a withdrawn story send the leader back.
    "leaders:activity_delete": {
        ANON: LOGIN,
        **dict.fromkeys(SIGNED_IN, FORBIDDEN),
        LEADER: OK,
    },
    "leaders:story_edit": {ANON: LOGIN, **dict.fromkeys(SIGNED_IN, FORBIDDEN), LEADER: OK},
    # Everyone's own data, and closing their account.
    "leaders:data": signed_in_only(),
    "leaders:data_download": signed_in_only(),
    "leaders:close": signed_in_only(),
    # Stories published with their authors' consent
    "stories:list": everyone(OK),
    "stories:detail": everyone(OK),
    # User-led organisations, coverage, councils and funding: public
    "ulos:list": everyone(OK),
    "ulos:detail": everyone(OK),
    "ulos:coverage": everyone(OK),
    "ulos:coverage_csv": everyone(OK),
    "ulos:programmes": everyone(OK),
    "ulos:programme": everyone(OK),
    "ulos:open_referral": everyone(OK),
    "ulos:grants": everyone(OK),
    "authorities:list": everyone(OK),
    "authorities:detail": everyone(OK),  # with more for the council's staff
    # The directory: council staff (of any council) and coordinators.
    **{
        f"directory:{name}": {
            ANON: LOGIN,
            **dict.fromkeys([MEMBER, APPLICANT, LEADER], FORBIDDEN),
            **dict.fromkeys([STAFF, REGIONAL, NATIONAL], OK),
        }
        for name in ["list", "leader"]
    },
    # Reports: coordinators only, regional ones for their own region.
    **{
        f"reports:{name}": {
            ANON: LOGIN,
            **dict.fromkeys([MEMBER, APPLICANT, LEADER, STAFF], FORBIDDEN),
            **dict.fromkeys([REGIONAL, NATIONAL], OK),
        }
        for name in ["index", "csv"]
    },
    # Requests for involvement: council staff ask and act on their council's;
    # coordinators read those in their scope and act in the back office.
    **{
        f"requests:{name}": {
            ANON: LOGIN,
            **dict.fromkeys([MEMBER, APPLICANT, LEADER], FORBIDDEN),
            **dict.fromkeys([STAFF, REGIONAL, NATIONAL], OK),
        }
        for name in ["list", "detail"]
    },
    **{
        f"requests:{name}": {ANON: LOGIN, **dict.fromkeys(SIGNED_IN, FORBIDDEN), STAFF: OK}
        for name in ["create", "cancel", "complete", "feedback"]
    },
    # A leader's offers: their own (others' give 404, tested below).
    **{
        f"leaders:{name}": {ANON: LOGIN, **dict.fromkeys(SIGNED_IN, FORBIDDEN), LEADER: OK}
        for name in ["offers", "offer", "offer_activity"]
    },
    # Events: the sample event is public; everyone signed in has booked it.
    "events:list": everyone(OK),
    "events:past": everyone(OK),
    "events:detail": everyone(OK),
    "events:calendar": everyone(OK),
    "events:feed": everyone(OK),
    "events:private_feed": everyone(NOT_FOUND),  # a wrong token
    "events:book": signed_in_only(),  # changes the needs of a booking made
    "events:cancel": signed_in_only(),  # only one's own booking (others' 404, tested below)
    "events:mine": signed_in_only(),
    "events:calendar_feed": signed_in_only(),
    # An invitation to act as council staff: an unknown link explains itself.
    "staff_invitation": everyone(OK),
    # Accounts (django-allauth)
    "account_login": anonymous_only(("redirect", "/")),
    "account_signup": anonymous_only(("redirect", "/")),
    "account_logout": {ANON: ("redirect", "/"), **dict.fromkeys(SIGNED_IN, OK)},
    "account_inactive": everyone(OK),
    "account_reauthenticate": signed_in_only(),
    "account_email": signed_in_only(),
    "account_email_verification_sent": everyone(OK),
    "account_change_password": signed_in_only(),
    "account_set_password": signed_in_only(("redirect", "/accounts/password/change/")),
    "account_reset_password": everyone(OK),
    "account_reset_password_done": everyone(OK),
    "account_reset_password_from_key": everyone(OK),  # an invalid key explains itself
    "account_reset_password_from_key_done": everyone(OK),
    "account_confirm_email": everyone(OK),  # an invalid key explains itself
    # Login by code is off: the page sends everyone back.
    "account_confirm_login_code": {
        ANON: ("redirect", "/accounts/login/"),
        **dict.fromkeys(SIGNED_IN, ("redirect", "/")),
    },
    "mfa_index": signed_in_only(),
    # Only part-way through logging in with two-factor.
    "mfa_authenticate": {
        ANON: ("redirect", "/accounts/login/"),
        **dict.fromkeys(SIGNED_IN, ("redirect", "/")),
    },
    # Confirming it's you with a code needs two-factor set up (staff here).
    "mfa_reauthenticate": {
        ANON: LOGIN,
        **dict.fromkeys([MEMBER, APPLICANT, LEADER], ("redirect", "/")),
        **dict.fromkeys([STAFF, REGIONAL, NATIONAL], OK),
    },
    "mfa_activate_totp": {
        ANON: LOGIN,
        **dict.fromkeys(SIGNED_IN, ("redirect", "/accounts/reauthenticate/")),
    },
    "mfa_deactivate_totp": {
        ANON: LOGIN,
        **dict.fromkeys([MEMBER, APPLICANT, LEADER], NOT_FOUND),
        **dict.fromkeys([STAFF, REGIONAL, NATIONAL], ("redirect", "/accounts/reauthenticate/")),
    },
    # Nobody here has recovery codes yet.
    "mfa_view_recovery_codes": signed_in_only(NOT_FOUND),
    "mfa_generate_recovery_codes": {
        ANON: LOGIN,
        **dict.fromkeys(SIGNED_IN, ("redirect", "/accounts/reauthenticate/")),
    },
    "mfa_download_recovery_codes": signed_in_only(NOT_FOUND),
    # The back office's own pages
    "admin:index": {
        ANON: LOGIN,
        **dict.fromkeys([MEMBER, APPLICANT, LEADER, STAFF], FORBIDDEN),
        REGIONAL: OK,
        NATIONAL: OK,
    },
    "admin:login": {
        ANON: ("redirect", "/accounts/login/"),
        **dict.fromkeys([MEMBER, APPLICANT, LEADER, STAFF], FORBIDDEN),
        REGIONAL: ("redirect", "/admin/"),
        NATIONAL: ("redirect", "/admin/"),
    },
    "admin:logout": {
        ANON: LOGIN,
        **dict.fromkeys([MEMBER, APPLICANT, LEADER, STAFF], FORBIDDEN),
        REGIONAL: 405,
        NATIONAL: 405,
    },  # logging out is a POST
    "admin:password_change": {
        ANON: LOGIN,
        **dict.fromkeys([MEMBER, APPLICANT, LEADER, STAFF], FORBIDDEN),
        REGIONAL: ("redirect", "/accounts/password/change/"),
        NATIONAL: ("redirect", "/accounts/password/change/"),
    },
    "admin:password_change_done": {
        ANON: LOGIN,
        **dict.fromkeys([MEMBER, APPLICANT, LEADER, STAFF], FORBIDDEN),
        REGIONAL: ("redirect", "/me/"),
        NATIONAL: ("redirect", "/me/"),
    },
    "admin:autocomplete": {
        ANON: LOGIN,
        **dict.fromkeys([MEMBER, APPLICANT, LEADER, STAFF], FORBIDDEN),
        REGIONAL: FORBIDDEN,
        NATIONAL: FORBIDDEN,
    },  # needs a field to look up
    "admin:jsi18n": {
        ANON: LOGIN,
        **dict.fromkeys([MEMBER, APPLICANT, LEADER, STAFF], FORBIDDEN),
        REGIONAL: OK,
        NATIONAL: OK,
    },
    "admin:view_on_site": {
        ANON: LOGIN,
        **dict.fromkeys([MEMBER, APPLICANT, LEADER, STAFF], FORBIDDEN),
        REGIONAL: NOT_FOUND,
        NATIONAL: NOT_FOUND,
    },
    "admin:app_list": {
        ANON: LOGIN,
        **dict.fromkeys([MEMBER, APPLICANT, LEADER, STAFF], FORBIDDEN),
        REGIONAL: OK,
        NATIONAL: OK,
    },  # for the leaders app
}

# The back office's model pages: what each coordinator may do with each model.
# Everyone else gets LOGIN (anonymous) or FORBIDDEN (signed in).
ALL_ACTIONS = {"changelist", "add", "change", "history", "delete"}
SEE_AND_CHANGE = {"changelist", "change", "history"}  # read-only where the model says so
# A record's own pages for changes made through a service (GET confirms, POST acts).
APPLICATION_STEPS = {"review", "invite", "accept", "decline"}
LEADER_STEPS = {"pause", "leave", "reactivate"}
CHECKING_STEPS = {"verify", "query", "approve"}  # activities and stories
REQUEST_STEPS = {"match", "complete", "cancel"}
INVITATION_STEPS = {"resend", "withdraw"}
EVENT_STEPS = {"attendees", "attendees_csv", "email", "cancel"}
# The audit history's page of one version (``<id>/history/<version>/``), on
# the models that keep one; read-only, for coordinators.
VERSION = {"history_version"}
ADMIN_MODELS = {
    "citizenleaders.user": {NATIONAL: ALL_ACTIONS, REGIONAL: set()},
    # Regional coordinators grant the council staff role for their region's councils.
    "citizenleaders.staffrole": {NATIONAL: ALL_ACTIONS, REGIONAL: ALL_ACTIONS},
    "citizenleaders.staffinvitation": {
        NATIONAL: ALL_ACTIONS | INVITATION_STEPS,
        REGIONAL: (ALL_ACTIONS - {"delete"}) | INVITATION_STEPS,  # they withdraw instead
    },
    "account.emailaddress": {NATIONAL: ALL_ACTIONS, REGIONAL: set()},
    # Emails carry personal details and have no region: national coordinators
    # only, read-only (the outbox records them; "Send again now" is a list action).
    "citizenleaders.outboundemail": {
        NATIONAL: {"changelist", "change", "history"},
        REGIONAL: set(),
    },
    "mfa.authenticator": {NATIONAL: ALL_ACTIONS, REGIONAL: set()},
    "ulos.region": {NATIONAL: ALL_ACTIONS, REGIONAL: {"changelist", "change", "history"}},
    # Coordinators import council contacts (each row within their scope).
    "ulos.localauthority": {
        NATIONAL: ALL_ACTIONS | {"import"},
        REGIONAL: {"changelist", "change", "history", "import"},
    },
    "ulos.ulo": {
        NATIONAL: ALL_ACTIONS | VERSION,
        REGIONAL: {"changelist", "add", "change", "history"} | VERSION,
    },
    "ulos.assessment": {NATIONAL: ALL_ACTIONS, REGIONAL: ALL_ACTIONS},
    # Set nationally; a regional coordinator sees them read-only.
    "ulos.criterion": {NATIONAL: ALL_ACTIONS, REGIONAL: {"changelist", "change", "history"}},
    "ulos.service": {NATIONAL: ALL_ACTIONS, REGIONAL: {"changelist", "change", "history"}},
    "ulos.fundingprogramme": {NATIONAL: ALL_ACTIONS, REGIONAL: {"changelist", "change", "history"}},
    "ulos.award": {
        NATIONAL: ALL_ACTIONS | VERSION,
        REGIONAL: {"changelist", "change", "history"} | VERSION,
    },
    # People apply at /apply/ and become leaders when accepted, so neither is
    # added in the back office; the review and status buttons are their own pages.
    "leaders.application": {
        NATIONAL: SEE_AND_CHANGE | {"delete"} | APPLICATION_STEPS | VERSION,
        REGIONAL: SEE_AND_CHANGE | APPLICATION_STEPS | VERSION,
    },
    "leaders.leader": {
        NATIONAL: SEE_AND_CHANGE | {"delete"} | LEADER_STEPS | VERSION,
        REGIONAL: SEE_AND_CHANGE | LEADER_STEPS | VERSION,
    },
    # ...and import a session's sign-in sheet.
    "leaders.trainingrecord": {
        NATIONAL: ALL_ACTIONS | {"import"} | VERSION,
        REGIONAL: SEE_AND_CHANGE | {"add", "import"} | VERSION,
    },
    # Leaders log their own activities and stories; coordinators check them.
    "leaders.activity": {
        NATIONAL: SEE_AND_CHANGE | {"delete", "verify", "query"} | VERSION,
        REGIONAL: SEE_AND_CHANGE | {"verify", "query"} | VERSION,
    },
    "leaders.story": {
        NATIONAL: SEE_AND_CHANGE | {"delete", "approve"},
        REGIONAL: SEE_AND_CHANGE | {"approve"},
    },
    # Council staff ask at /requests/; coordinators match, complete and cancel.
    "leaders.involvementrequest": {
        NATIONAL: SEE_AND_CHANGE | {"delete"} | REQUEST_STEPS,
        REGIONAL: SEE_AND_CHANGE | REQUEST_STEPS,
    },
    # Made by matching, answered by the leader: read-only here.
    "leaders.involvementmatch": {NATIONAL: SEE_AND_CHANGE, REGIONAL: SEE_AND_CHANGE},
    # Events are run from here; bookings are made on the site.
    # An event with bookings is cancelled, never deleted.
    "events.event": {
        NATIONAL: {"changelist", "add", "change", "history"} | EVENT_STEPS,
        REGIONAL: {"changelist", "add", "change", "history"} | EVENT_STEPS,
    },
    "events.registration": {
        NATIONAL: SEE_AND_CHANGE | VERSION,
        REGIONAL: SEE_AND_CHANGE | VERSION,
    },
    # The curriculum and the choices are set nationally.
    "leaders.module": {NATIONAL: ALL_ACTIONS, REGIONAL: SEE_AND_CHANGE},
    "leaders.interest": {NATIONAL: ALL_ACTIONS, REGIONAL: SEE_AND_CHANGE},
    "leaders.skill": {NATIONAL: ALL_ACTIONS, REGIONAL: SEE_AND_CHANGE},
}


def url_patterns(patterns=None, prefix="", namespace=""):
    """Every URL pattern: (full name or None, route, pattern)."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from url_patterns(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}{pattern.name}" if pattern.name else None
            yield name, prefix + str(pattern.pattern), pattern


def admin_model_url(name):
    """('app.model', action) for an admin model URL name, else None."""
    from django.contrib import admin

    for model in admin.site._registry:
        opts = model._meta
        stem = f"admin:{opts.app_label}_{opts.model_name}_"
        if name and name.startswith(stem):
            return f"{opts.app_label}.{opts.model_name}", name.removeprefix(stem)
    return None


def test_every_url_pattern_has_a_row():
    missing = []
    for name, route, _ in url_patterns():
        if name is None:
            continue  # unnamed admin catch-alls redirect to the named pages
        if name in EXPECTED:
            continue
        model_url = admin_model_url(name)
        if model_url and model_url[0] in ADMIN_MODELS:
            continue
        missing.append(f"{name} ({route})")

    assert missing == [], "Add these to the access matrix: " + ", ".join(missing)


@pytest.fixture
def sample_objects():
    """Records in Yorkshire (the regional coordinator's region), so object
    pages exist for every coordinator who may see them."""
    leeds = council("E08000035")
    application = ApplicationFactory(local_authority=leeds)
    leader = LeaderFactory(local_authority=leeds)
    record = TrainingRecord.objects.create(leader=leader, module=Module.objects.first())
    activity = ActivityFactory(leader=leader)
    story = StoryFactory(leader=leader)
    public_story = StoryFactory(leader=leader, status="approved", approved_at=timezone.now())
    someone_elses_role = make_person(STAFF).staff_role
    in_directory = LeaderFactory(local_authority=leeds, in_directory=True)
    match = InvolvementMatchFactory(
        leader=in_directory,
        request=InvolvementRequestFactory(requester=someone_elses_role.user),
    )
    award = AwardFactory(
        ulo=UloFactory(slug="access-matrix-ulo", councils=[leeds]),
        programme__slug="access-matrix-fund",
    )
    assessment = Assessment.objects.create(
        ulo=award.ulo, criterion=Criterion.objects.first(), result=Assessment.Result.MET
    )
    event = EventFactory(host_council=leeds, region=leeds.region, slug="access-matrix-event")
    registration = RegistrationFactory(event=event)
    with_history = [application, leader, record, activity, registration, award.ulo, award]
    versions = {
        f"{obj._meta.label_lower}.version": obj.history.first().history_id for obj in with_history
    }
    return {
        **versions,
        "events.event": event.pk,
        "events.registration": registration.pk,
        "public.event": event.slug,
        "citizenleaders.staffrole": someone_elses_role.pk,
        "leaders.application": application.pk,
        "leaders.leader": leader.pk,
        "leaders.trainingrecord": record.pk,
        "leaders.activity": activity.pk,
        "leaders.story": story.pk,
        "leaders.involvementrequest": match.request_id,
        "citizenleaders.staffinvitation": StaffInvitationFactory(local_authority=leeds).pk,
        "citizenleaders.outboundemail": OutboundEmailFactory().pk,
        "leaders.involvementmatch": match.pk,
        "directory.leader": in_directory.pk,
        "public.story": public_story.pk,
        "leaders.module": record.module_id,
        "leaders.interest": Interest.objects.first().pk,
        "leaders.skill": Skill.objects.first().pk,
        "ulos.localauthority": leeds.pk,
        "ulos.region": leeds.region_id,
        "ulos.ulo": award.ulo_id,
        "ulos.assessment": assessment.pk,
        "ulos.criterion": assessment.criterion_id,
        "ulos.service": Service.objects.first().pk,
        "ulos.fundingprogramme": award.programme_id,
        "ulos.award": award.pk,
    }


def concrete_url(name, route, model_objects, person):
    """A real address for the pattern, with sample values for its parts."""
    from django.urls import reverse

    kwargs_by_name = {
        "account_confirm_email": {"key": "not-a-real-key"},
        "account_reset_password_from_key": {"uidb36": "1", "key": "not-a-real-key"},
        "admin:app_list": {"app_label": "leaders"},
        "admin:view_on_site": {"content_type_id": "1", "object_id": "1"},
        "ulos:detail": {"slug": "access-matrix-ulo"},
        "ulos:programme": {"slug": "access-matrix-fund"},
        "authorities:detail": {"gss_code": "E08000035"},
        "stories:detail": {"pk": model_objects["public.story"]},
        "directory:leader": {"pk": model_objects["directory.leader"]},
        "reports:csv": {"table": "journey"},
        "staff_invitation": {"token": "not-a-real-token"},
        "events:private_feed": {"token": "not-a-real-token"},
        **{
            f"events:{name}": {"slug": model_objects["public.event"]}
            for name in ["detail", "book", "cancel", "calendar"]
        },
        **{
            f"requests:{name}": {"pk": model_objects["leaders.involvementrequest"]}
            for name in ["detail", "cancel", "complete", "feedback"]
        },
        **{
            f"leaders:{name}": {"pk": model_objects.get("own.match", 1)}
            for name in ["offer", "offer_activity"]
        },
        "apply:section": {"section": "about-you"},
        **{
            f"leaders:{name}": {"pk": model_objects.get("own.activity", 1)}
            for name in ["activity_edit", "activity_delete"]
        },
        **{
            f"leaders:{name}": {"pk": model_objects.get("own.story", 1)}
            for name in ["story_detail", "story_edit", "story_withdraw"]
        },
    }
    model_url = admin_model_url(name)
    object_pages = {
        "change",
        "history",
        "delete",
        *APPLICATION_STEPS,
        *LEADER_STEPS,
        *REQUEST_STEPS,
        *INVITATION_STEPS,
        *EVENT_STEPS,
    }
    if model_url and model_url[1] in VERSION:
        model = model_url[0]
        return reverse(
            name,
            kwargs={
                "object_id": model_objects[model],
                "version_id": model_objects[f"{model}.version"],
            },
        )
    if model_url and model_url[1] in object_pages | CHECKING_STEPS:
        model = model_url[0]
        object_id = model_objects.get(model, person.pk if person else 1)
        return reverse(name, kwargs={"object_id": object_id})
    return reverse(name, kwargs=kwargs_by_name.get(name, {}))


def expected_answer(name, role):
    if name in EXPECTED:
        return EXPECTED[name][role]
    model, action = admin_model_url(name)
    if role == ANON:
        return LOGIN
    allowed = ADMIN_MODELS[model].get(role)
    if allowed is None:
        return FORBIDDEN
    if action in allowed:
        return OK
    return FORBIDDEN


@pytest.mark.parametrize("role", ROLES, ids=str)
def test_each_role_gets_the_expected_answer_everywhere(client, role, sample_objects):
    person = make_person(role)
    if person:
        client.force_login(person)
        sample_objects = {**sample_objects}
        sample_objects.setdefault("citizenleaders.user", person.pk)
        # Their own address, by its own key: the two tables' keys drift apart
        # whenever a test writes users without addresses (PostgreSQL does not
        # roll sequences back).
        sample_objects.setdefault("account.emailaddress", person.emailaddress_set.get().pk)
        authenticator = person.authenticator_set.first()
        sample_objects.setdefault("mfa.authenticator", authenticator.pk if authenticator else 1)
        RegistrationFactory(event_id=sample_objects["events.event"], user=person)
        if role == LEADER:  # a leader's own records
            sample_objects["own.activity"] = ActivityFactory(leader=person.leader).pk
            sample_objects["own.story"] = StoryFactory(leader=person.leader).pk
            sample_objects["own.match"] = InvolvementMatchFactory(
                leader=person.leader,
                status=InvolvementMatch.Status.ACCEPTED,
                request=InvolvementRequestFactory(
                    status=InvolvementRequest.Status.COMPLETED,
                    completed_at=timezone.now(),
                    date=timezone.localdate(),
                ),
            ).pk

    wrong = []
    for name, route, _ in url_patterns():
        if name is None:
            continue
        url = concrete_url(name, route, sample_objects, person)
        response = client.get(url)
        expected = expected_answer(name, role)
        if expected == LOGIN:
            ok = response.status_code == 302 and response["Location"].startswith(
                "/accounts/login/?next="
            )
        elif isinstance(expected, tuple):
            ok = response.status_code == 302 and response["Location"].startswith(expected[1])
        else:
            ok = response.status_code == expected
        if not ok:
            got = response.status_code
            if got in (301, 302):
                got = f"{got} → {response['Location']}"
            wrong.append(f"{name} {url}: expected {expected}, got {got}")

    assert wrong == [], "\n".join(wrong)


# (address, whose record, method): every way a leader could reach a record.
OTHERS_RECORDS = [
    ("leaders:activity_edit", "activity", "get"),
    ("leaders:activity_edit", "activity", "post"),
    ("leaders:activity_delete", "activity", "get"),
    ("leaders:activity_delete", "activity", "post"),
    ("leaders:story_detail", "story", "get"),
    ("leaders:story_edit", "story", "get"),
    ("leaders:story_edit", "story", "post"),
    ("leaders:story_withdraw", "story", "get"),
    ("leaders:story_withdraw", "story", "post"),
]


@pytest.mark.parametrize(("name", "record", "method"), OTHERS_RECORDS)
def test_a_leader_cannot_reach_another_leaders_records(client, name, record, method):
    from django.urls import reverse

    others = {"activity": ActivityFactory(), "story": StoryFactory()}
    record = others[record]
    before = model_to_dict(record)
    client.force_login(make_person(LEADER))

    response = getattr(client, method)(reverse(name, kwargs={"pk": record.pk}))

    assert response.status_code == 404
    record.refresh_from_db()
    assert model_to_dict(record) == before


# Every address of a council's request, tried by staff of another council and
# by a regional coordinator of another region: it is not found, and nothing
# about it changes. (The back office's object pages are tried for every model
# in ``test_admin_scope.py``.)
REQUEST_ADDRESSES = [
    # Council staff may use every page of their own council's requests...
    *[
        (STAFF, name, method)
        for name in ["requests:detail", "requests:cancel", "requests:complete", "requests:feedback"]
        for method in ["get", "post"]
        if (name, method) != ("requests:detail", "post")
    ],
    # ...and coordinators read them (they act in the back office: 403 above).
    (REGIONAL, "requests:detail", "get"),
]


def person_elsewhere(role):
    """Staff of Bradford, or the coordinator of the North West: both outside Leeds."""
    from citizenleaders.models import StaffRole
    from tests.citizenleaders.factories import StaffRoleFactory, UserFactory
    from ulos.models import Region

    user = UserFactory(two_factor=True)
    if role == STAFF:
        StaffRoleFactory(
            user=user, kind=StaffRole.Kind.COUNCIL_STAFF, local_authority=council("E08000032")
        )
    else:
        StaffRoleFactory(
            user=user,
            kind=StaffRole.Kind.REGIONAL_COORDINATOR,
            region=Region.objects.get(name="North West"),
        )
    return user


@pytest.mark.parametrize(("role", "name", "method"), REQUEST_ADDRESSES)
def test_a_councils_requests_are_not_found_outside_its_scope(client, role, name, method):
    from django.urls import reverse

    request = InvolvementRequestFactory(
        requester=make_person(STAFF), date=timezone.localdate(), title="Leeds only"
    )
    InvolvementMatchFactory(request=request, status=InvolvementMatch.Status.ACCEPTED)
    before = model_to_dict(request)
    client.force_login(person_elsewhere(role))

    data = {"reason": "Not mine", "feedback": "Not mine"}
    response = getattr(client, method)(reverse(name, kwargs={"pk": request.pk}), data)

    assert response.status_code == 404
    request.refresh_from_db()
    assert model_to_dict(request) == before


@pytest.mark.parametrize(
    ("name", "method"), [(n, m) for n in ["offer", "offer_activity"] for m in ["get", "post"]]
)
def test_a_leader_cannot_reach_another_leaders_offers(client, name, method):
    from django.urls import reverse

    match = InvolvementMatchFactory(
        request=InvolvementRequestFactory(
            status=InvolvementRequest.Status.COMPLETED,
            completed_at=timezone.now(),
            date=timezone.localdate(),
        ),
        status=InvolvementMatch.Status.ACCEPTED,
    )
    client.force_login(make_person(LEADER))

    response = getattr(client, method)(
        reverse(f"leaders:{name}", kwargs={"pk": match.pk}), {"answer": "decline"}
    )

    assert response.status_code == 404
    match.refresh_from_db()
    assert match.status == InvolvementMatch.Status.ACCEPTED
    assert match.activity is None
