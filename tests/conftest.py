"""Fixtures shared by every test: a person for each role, two-factor codes,
and settings that make the suite independent of a built static folder."""

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.cache import cache
from django.test.utils import override_settings

from citizenleaders import outbox
from citizenleaders.models import StaffRole
from citizenleaders.roles import Role
from tests.citizenleaders.factories import PASSWORD, TOTP_SECRET, StaffRoleFactory, UserFactory
from tests.leaders.factories import ApplicationFactory, LeaderFactory, council
from ulos.models import Region

ALL_ROLES = list(Role)


@pytest.fixture(autouse=True, scope="session")
def _static_files_without_manifest():
    """Serve static files by their plain names in tests, straight from
    ``static/`` through WhiteNoise, so the suite does not depend on
    ``collectstatic`` having run (one test checks the real build)."""
    with override_settings(
        WHITENOISE_USE_FINDERS=True,
        WHITENOISE_AUTOREFRESH=True,
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ):
        yield


@pytest.fixture(autouse=True, scope="session")
def _emails_through_the_outbox():
    """Send every email through the outbox as in production (pytest-django
    sets the locmem backend); the outbox delivers to locmem, so tests read
    what was sent from ``mail.outbox``."""
    with override_settings(
        EMAIL_BACKEND="citizenleaders.outbox.OutboxBackend",
        OUTBOX_DELIVERY_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    ):
        yield


@pytest.fixture(autouse=True)
def _outbox_delivers_at_once():
    """A failure in one test must not leave new emails waiting in the next."""
    outbox.resume_delivery()
    yield
    outbox.resume_delivery()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and used two-factor codes live in the cache."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def password():
    return PASSWORD


def totp_code(secret=TOTP_SECRET, *, step_offset=0):
    """The code an authenticator app shows now for ``secret``."""
    import time

    counter = int(time.time()) // 30 + step_offset
    return format_hotp_value(hotp_value(secret, counter))


def make_person(role: Role, **kwargs):
    """A person holding ``role``, with a verified email and, for staff,
    two-factor authentication already set up. Returns ``None`` for anonymous."""
    if role == Role.ANONYMOUS:
        return None
    if role == Role.MEMBER:
        return UserFactory(**kwargs)
    if role == Role.APPLICANT:
        return ApplicationFactory(user=UserFactory(**kwargs)).user
    if role == Role.LEADER:
        return LeaderFactory(user=UserFactory(**kwargs)).user
    if role == Role.COUNCIL_STAFF:
        user = UserFactory(two_factor=True, **kwargs)
        StaffRoleFactory(user=user, kind=StaffRole.Kind.COUNCIL_STAFF, local_authority=council())
        return user
    if role == Role.REGIONAL_COORDINATOR:
        user = UserFactory(two_factor=True, **kwargs)
        StaffRoleFactory(
            user=user,
            kind=StaffRole.Kind.REGIONAL_COORDINATOR,
            region=Region.objects.get(name="Yorkshire and The Humber"),
        )
        return user
    if role == Role.NATIONAL_COORDINATOR:
        user = UserFactory(two_factor=True, **kwargs)
        StaffRoleFactory(user=user, kind=StaffRole.Kind.NATIONAL_COORDINATOR)
        return user
    raise ValueError(role)


@pytest.fixture
def person():
    return make_person


@pytest.fixture
def member(db):
    return make_person(Role.MEMBER)


@pytest.fixture
def national_coordinator(db):
    return make_person(Role.NATIONAL_COORDINATOR)


@pytest.fixture
def regional_coordinator(db):
    return make_person(Role.REGIONAL_COORDINATOR)


@pytest.fixture
def council_staff(db):
    return make_person(Role.COUNCIL_STAFF)


def log_in(client, user, *, password=PASSWORD, secret=TOTP_SECRET):
    """Log in through the site's own login form, as a person would, answering
    the two-factor step when the account has it. Returns the last response."""
    response = client.post("/accounts/login/", {"login": user.email, "password": password})
    if response.status_code == 302 and response["Location"].startswith("/accounts/2fa/"):
        response = client.post(response["Location"], {"code": totp_code(secret)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response
