"""Demo data: one account for every role, so anyone can try the portal.

Idempotent: running it again resets the demo accounts' passwords, roles and
two-factor secrets to the values given, and creates nothing twice.
"""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.db import transaction
from django.utils import timezone

from citizenleaders.models import StaffRole, User
from events.demo import seed_events
from leaders.demo import seed_leaders
from leaders.models import Application, Leader
from ulos.demo import seed_ulos
from ulos.models import LocalAuthority, Region

DEFAULT_PASSWORD = "citizen-leaders-demo"
# Base32; used only when DEMO_TOTP_SECRET is not set, and only with DEBUG on.
DEFAULT_TOTP_SECRET = "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU"

LEEDS = "E08000035"
BRADFORD = "E08000032"
YORKSHIRE = "E12000003"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    full_name: str
    role: str
    two_factor: bool


ACCOUNTS = [
    DemoAccount("coordinator@example.org", "Nadia Coordinator", "National coordinator", True),
    DemoAccount(
        "regional.coordinator@example.org",
        "Rhys Regional",
        "Regional coordinator (Yorkshire and The Humber)",
        True,
    ),
    DemoAccount("council.staff@example.org", "Chris Council", "Council staff (Leeds)", True),
    DemoAccount("leader@example.org", "Lena Leader", "Citizen Leader (active, Leeds)", False),
    DemoAccount("applicant@example.org", "Amir Applicant", "Applicant (submitted)", False),
    DemoAccount("member@example.org", "Morgan Member", "Member (signed up)", False),
]


def _account(email, full_name, password):
    user, _ = User.objects.get_or_create(email=email, defaults={"full_name": full_name})
    user.full_name = full_name
    user.is_active = True
    user.set_password(password)
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def _staff_role(user, kind, *, region=None, local_authority=None, granted_by=None):
    StaffRole.objects.update_or_create(
        user=user,
        defaults={
            "kind": kind,
            "region": region,
            "local_authority": local_authority,
            "granted_by": granted_by,
        },
    )


def _two_factor(user, secret):
    Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
    TOTP.activate(user, secret)


@transaction.atomic
def seed_demo(*, password: str = DEFAULT_PASSWORD, totp_secret: str = DEFAULT_TOTP_SECRET):
    """Create or reset the demo accounts. Returns the list of ``DemoAccount``s."""
    users = {
        account.email: _account(account.email, account.full_name, password) for account in ACCOUNTS
    }
    leeds = LocalAuthority.objects.get(gss_code=LEEDS)
    bradford = LocalAuthority.objects.get(gss_code=BRADFORD)
    yorkshire = Region.objects.get(gss_code=YORKSHIRE)

    national = users["coordinator@example.org"]
    _staff_role(national, StaffRole.Kind.NATIONAL_COORDINATOR)
    _staff_role(
        users["regional.coordinator@example.org"],
        StaffRole.Kind.REGIONAL_COORDINATOR,
        region=yorkshire,
        granted_by=national,
    )
    _staff_role(
        users["council.staff@example.org"],
        StaffRole.Kind.COUNCIL_STAFF,
        local_authority=leeds,
        granted_by=national,
    )
    for account in ACCOUNTS:
        if account.two_factor:
            _two_factor(users[account.email], totp_secret)

    leader_user = users["leader@example.org"]
    Leader.objects.update_or_create(
        user=leader_user,
        defaults={"status": Leader.Status.ACTIVE, "local_authority": leeds},
    )
    if not leader_user.applications.exists():
        Application.objects.create(
            user=leader_user,
            status=Application.Status.ACCEPTED,
            local_authority=leeds,
            submitted_at=timezone.now(),
        )

    applicant = users["applicant@example.org"]
    application = applicant.applications.first() or Application(user=applicant)
    application.status = Application.Status.SUBMITTED
    application.local_authority = bradford
    application.submitted_at = application.submitted_at or timezone.now()
    application.save()

    seed_ulos(by=national)
    seed_leaders(by=national)
    seed_events(by=national)
    return ACCOUNTS
