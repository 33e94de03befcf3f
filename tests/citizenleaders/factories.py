import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP

from citizenleaders.models import StaffRole, User

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
