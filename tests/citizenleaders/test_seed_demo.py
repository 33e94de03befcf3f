import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
from django.test import override_settings

from citizenleaders import roles
from citizenleaders.models import User
from citizenleaders.roles import Role
from leaders.models import Application, Leader
from tests.conftest import log_in

pytestmark = pytest.mark.django_db

EXPECTED_ROLES = {
    "coordinator@example.org": Role.NATIONAL_COORDINATOR,
    "regional.coordinator@example.org": Role.REGIONAL_COORDINATOR,
    "council.staff@example.org": Role.COUNCIL_STAFF,
    "leader@example.org": Role.LEADER,
    "applicant@example.org": Role.APPLICANT,
    "member@example.org": Role.MEMBER,
}


@override_settings(DEBUG=True)
def test_seed_demo_creates_one_login_per_role_and_prints_them(capsys, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-password-for-tests")

    call_command("seed_demo")

    printed = capsys.readouterr().out
    for email, role in EXPECTED_ROLES.items():
        user = User.objects.get(email=email)
        assert roles.primary_role(user) == role
        assert user.check_password("demo-password-for-tests")
        assert EmailAddress.objects.get(user=user).verified
        assert email in printed
    assert "demo-password-for-tests" in printed
    leader = Leader.objects.get(user__email="leader@example.org")
    assert (leader.status, leader.local_authority.gss_code) == ("active", "E08000035")
    staff = User.objects.get(email="council.staff@example.org").staff_role
    assert staff.local_authority.name == "Leeds"
    assert Application.objects.get(user__email="applicant@example.org").status == "submitted"


@override_settings(DEBUG=True)
def test_seed_demo_is_idempotent():
    call_command("seed_demo")
    call_command("seed_demo")

    from leaders.demo import DEMO_LEADERS

    others = len(DEMO_LEADERS) - 1  # demo leaders without a login, besides leader@
    assert User.objects.count() == len(EXPECTED_ROLES) + others
    assert Application.objects.count() == 2 + others
    assert Leader.objects.count() == 1 + others
    logins = [user.email for user in User.objects.all() if user.has_usable_password()]
    assert sorted(logins) == sorted(EXPECTED_ROLES)


@override_settings(DEBUG=True)
def test_staff_demo_accounts_log_in_with_the_printed_two_factor_secret(client, monkeypatch):
    secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    monkeypatch.setenv("DEMO_TOTP_SECRET", secret)
    monkeypatch.setenv("DEMO_PASSWORD", "demo-password-for-tests")
    call_command("seed_demo")
    coordinator = User.objects.get(email="coordinator@example.org")

    log_in(client, coordinator, password="demo-password-for-tests", secret=secret)

    assert client.get("/admin/").status_code == 200


def test_seed_demo_refuses_to_run_in_production_mode():
    with pytest.raises(CommandError, match="DJANGO_DEBUG=1"):
        call_command("seed_demo")

    assert not User.objects.exists()


@override_settings(DEBUG=True)
def test_seed_demo_rejects_a_secret_that_is_not_base32(monkeypatch):
    monkeypatch.setenv("DEMO_TOTP_SECRET", "not base32 at all!")

    with pytest.raises(CommandError, match="base32"):
        call_command("seed_demo")

    assert not User.objects.exists()


@override_settings(DEBUG=True)
def test_demo_code_prints_a_code_the_demo_staff_accounts_accept(client, capsys, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-password-for-tests")
    call_command("seed_demo")
    capsys.readouterr()

    call_command("demo_code")
    code = capsys.readouterr().out.strip()

    client.post(
        "/accounts/login/",
        {"login": "council.staff@example.org", "password": "demo-password-for-tests"},
    )
    response = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert response.status_code == 302
    assert client.get("/me/").status_code == 200


@override_settings(DEBUG=True)
def test_seed_demo_adds_demo_ulos_strategies_and_funding_once():
    from ulos.models import Award, FundingProgramme, Ulo
    from ulos.selectors import coverage

    call_command("seed_demo")
    call_command("seed_demo")

    published = Ulo.objects.published()
    assert published.exists()
    assert all(ulo.name.startswith("Demo ") for ulo in Ulo.objects.all())
    result = coverage()
    regions_with_a_ulo = [region.name for region in result.regions if region.with_ulo]
    assert len(regions_with_a_ulo) >= 7  # most regions
    assert result.england.without_ulo > 0
    assert result.england.strategy_adopted > 0
    assert result.england.strategy_in_development > 0
    assert result.england.meeting_criteria > 0
    budgets = dict(FundingProgramme.objects.values_list("name", "budget"))
    assert budgets["ULO development fund: Wave 1"] == 750000
    assert budgets["ULO development fund: Wave 2"] == 900000
    assert Award.objects.filter(region__isnull=False).count() == 3  # capacity building
    assert Award.objects.count() == 9  # running twice made nothing twice
    for programme in FundingProgramme.objects.with_awarded():
        assert programme.awarded <= programme.budget


@override_settings(DEBUG=True)
def test_seed_demo_adds_leaders_in_several_regions_with_training_and_activities():
    from leaders.models import Activity, Story, TrainingRecord

    call_command("seed_demo")
    call_command("seed_demo")

    leaders = Leader.objects.select_related("local_authority__region")
    assert len({leader.local_authority.region.name for leader in leaders}) >= 5
    assert {leader.status for leader in leaders} >= {"active", "in_training", "paused"}
    lena = Leader.objects.get(user__email="leader@example.org")
    assert not lena.training.exclude(status=TrainingRecord.Status.COMPLETED).filter(
        module__is_required=True
    )
    assert lena.activities.filter(status=Activity.Status.VERIFIED).exists()
    assert Story.objects.filter(status=Story.Status.APPROVED, on_website=True).exists()
    in_training = Leader.objects.filter(status="in_training").first()
    assert in_training.training.filter(status="completed").count() < in_training.training.count()
    answers = Application.objects.get(user__email="applicant@example.org")
    assert answers.full_name and answers.local_authority and answers.connection_labels
    assert Activity.objects.count() == 7 * 5  # running twice made nothing twice


@override_settings(DEBUG=True)
def test_seed_demo_adds_past_and_upcoming_events_with_bookings_and_a_waiting_list():
    from django.utils import timezone

    from events.models import Event, Registration

    call_command("seed_demo")
    call_command("seed_demo")

    events = Event.objects.all()
    assert events.filter(end__lt=timezone.now()).exists()
    assert events.filter(start__gt=timezone.now()).count() >= 4
    assert events.values("region").distinct().count() >= 3
    assert Registration.objects.confirmed().exists()
    assert Registration.objects.waiting().exists()
    assert Registration.objects.filter(attendance=Registration.Attendance.ATTENDED).exists()
    for event in events:
        assert event.places_taken == event.registrations.confirmed().count()
        assert event.capacity is None or event.places_taken <= event.capacity
