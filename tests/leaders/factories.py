import factory
from django.utils import timezone

from leaders.models import Application, Leader
from tests.citizenleaders.factories import UserFactory
from ulos.models import LocalAuthority


def council(gss_code="E08000035"):
    """A council from the ONS list the migrations load (Leeds by default)."""
    return LocalAuthority.objects.get(gss_code=gss_code)


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    user = factory.SubFactory(UserFactory)
    status = Application.Status.SUBMITTED
    local_authority = factory.LazyFunction(council)
    submitted_at = factory.LazyFunction(timezone.now)


class LeaderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Leader

    user = factory.SubFactory(UserFactory)
    status = Leader.Status.ACTIVE
    local_authority = factory.LazyFunction(council)
