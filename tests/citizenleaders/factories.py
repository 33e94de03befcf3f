import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.utils import timezone

from citizenleaders.models import OutboundEmail, StaffInvitation, StaffRole, User

TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
PASSWORD = "a-long-test-password-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        if create:
            user.save()

    @factory.post_generation
    def two_factor(user, create, extracted, **kwargs):
        if create and extracted:
            TOTP.activate(user, TOTP_SECRET)


class StaffRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffRole

    user = factory.SubFactory(UserFactory, two_factor=True)
    kind = StaffRole.Kind.NATIONAL_COORDINATOR


def leeds():
    from ulos.models import LocalAuthority

    return LocalAuthority.objects.get(gss_code="E08000035")


class StaffInvitationFactory(factory.django.DjangoModelFactory):
    """A waiting invitation to be council staff for Leeds, from a national
    coordinator (a superuser)."""

    class Meta:
        model = StaffInvitation

    email = factory.Sequence(lambda n: f"invited{n}@leeds.example.org")
    local_authority = factory.LazyFunction(leeds)
    invited_by = factory.SubFactory(UserFactory, is_superuser=True, two_factor=True)


class OutboundEmailFactory(factory.django.DjangoModelFactory):
    """An email in the outbox, sent."""

    class Meta:
        model = OutboundEmail

    recipients = factory.Sequence(lambda n: [f"recipient{n}@example.org"])
    from_email = "Citizen Leaders <no-reply@citizenleaders.example.org>"
    subject = factory.Sequence(lambda n: f"Your booking {n}")
    body = "Dear Sam Example,\n\nYou have a place.\n"
    template = "booking_confirmed"
    status = OutboundEmail.Status.SENT
    attempts = 1
    sent_at = factory.LazyAttribute(
        lambda email: timezone.now() if email.status == OutboundEmail.Status.SENT else None
    )
    # Due now unless sent (pass None for one given up).
    next_attempt_at = factory.LazyAttribute(
        lambda email: None if email.status == OutboundEmail.Status.SENT else timezone.now()
    )
