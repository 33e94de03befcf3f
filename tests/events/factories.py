import datetime

import factory
from django.db.models import F
from django.utils import timezone

from events.models import Event, Registration
from tests.citizenleaders.factories import UserFactory
from tests.leaders.factories import council
from ulos.models import Region


def yorkshire():
    return Region.objects.get(name="Yorkshire and The Humber")


def in_days(days, hour=10):
    """A UK time ``days`` from today at ``hour`` o'clock."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


class EventFactory(factory.django.DjangoModelFactory):
    """A published public regional meeting in Leeds, two weeks ahead, 10am to 3pm."""

    class Meta:
        model = Event
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Yorkshire regional meeting {n}")
    kind = Event.Kind.REGIONAL_MEETING
    audience = Event.Audience.PUBLIC
    summary = "Leaders and councils across the region meet to talk about self-directed support."
    region = factory.LazyFunction(yorkshire)
    host_council = factory.LazyFunction(council)
    start = factory.LazyFunction(lambda: in_days(14, 10))
    end = factory.LazyAttribute(lambda event: event.start + datetime.timedelta(hours=5))
    venue_name = "Leeds Civic Hall"
    venue_address = "Calverley Street, Leeds"
    venue_postcode = "LS1 1UR"
    access_features = factory.LazyFunction(lambda: ["step_free", "hearing_loop"])
    capacity = 30
    status = Event.Status.PUBLISHED


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A confirmed place. Use ``events.services`` when the place count matters:
    this factory also adds one to the event's ``places_taken``."""

    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    user = factory.SubFactory(UserFactory)
    status = Registration.Status.CONFIRMED
    confirmed_at = factory.LazyFunction(timezone.now)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        registration = super()._create(model_class, *args, **kwargs)
        if registration.status == Registration.Status.CONFIRMED:
            Event.objects.filter(pk=registration.event.pk).update(
                places_taken=F("places_taken") + 1
            )
            registration.event.refresh_from_db(fields=["places_taken"])
        return registration
