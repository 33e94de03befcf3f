import datetime

import factory
from django.utils import timezone

from leaders.models import (
    Activity,
    Application,
    InvolvementMatch,
    InvolvementRequest,
    Leader,
    Story,
)
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


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    leader = factory.SubFactory(LeaderFactory)
    kind = Activity.Kind.LOCAL_MEETING
    date = factory.LazyFunction(timezone.localdate)
    hours = 2
    description = "Went to the Leeds personal budgets group."


class StoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Story

    leader = factory.SubFactory(LeaderFactory)
    title = "How a direct payment changed my week"
    body = "I choose who supports me and when."
    name_shown = Story.NameShown.FIRST
    on_website = True


def first_module():
    """The first module of the curriculum the data migration loads."""
    from leaders.models import Module

    return Module.objects.first()


class TrainingRecordFactory(factory.django.DjangoModelFactory):
    """A completed training module."""

    class Meta:
        model = "leaders.TrainingRecord"

    leader = factory.SubFactory(LeaderFactory)
    module = factory.LazyFunction(first_module)
    status = "completed"
    completed_on = factory.LazyFunction(timezone.localdate)


class InvolvementRequestFactory(factory.django.DjangoModelFactory):
    """An open request from Leeds, a fortnight away. Pass ``requester`` as
    council staff of the council when the test needs them to act on it."""

    class Meta:
        model = InvolvementRequest

    requester = factory.SubFactory(UserFactory)
    local_authority = factory.LazyFunction(council)
    title = "Carers’ strategy workshop"
    purpose = InvolvementRequest.Purpose.MEETING
    date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=14))
    hours = 2
    location = "Civic Hall, Calverley Street, Leeds"
    description = "Help us plan the carers’ strategy for next year."
    status = InvolvementRequest.Status.OPEN


class InvolvementMatchFactory(factory.django.DjangoModelFactory):
    """A leader in the directory put forward for a request, waiting for their answer."""

    class Meta:
        model = InvolvementMatch

    request = factory.SubFactory(InvolvementRequestFactory)
    leader = factory.SubFactory(LeaderFactory, in_directory=True)
    status = InvolvementMatch.Status.OFFERED
