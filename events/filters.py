"""Filters for the lists of events. Every filter lives in the address, so a
search can be bookmarked or shared, and the form works without JavaScript.

A value that is not one of the choices (an old bookmark, a mistyped address)
shows a GOV.UK error on that filter and is otherwise ignored: the list is
never a server error."""

import datetime

import django_filters
from django.utils import timezone

from events.models import Event
from ulos.models import Region

WHERE = [("online", "Online"), ("in_person", "In person")]


def month_start(year: int, month: int) -> datetime.datetime:
    """Midnight UK time on the first day of a month."""
    return timezone.make_aware(datetime.datetime(year, month, 1))


def shift_months(year: int, month: int, by: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + by
    return index // 12, index % 12 + 1


def month_choices(*, first: int, count: int) -> list[tuple[str, str]]:
    """``count`` months as ("2027-03", "March 2027"), starting ``first``
    months from this one (UK date); going back in time when ``first`` is
    negative and ``count`` too."""
    today = timezone.localdate()
    step = 1 if count > 0 else -1
    choices = []
    for offset in range(first, first + count, step):
        year, month = shift_months(today.year, today.month, offset)
        choices.append((f"{year:04d}-{month:02d}", f"{datetime.date(year, month, 1):%B %Y}"))
    return choices


def next_twelve_months():
    return month_choices(first=0, count=12)


def last_two_years():
    return month_choices(first=0, count=-24)


class EventFilter(django_filters.FilterSet):
    """The upcoming events' filters. Months offered: this one and the next 11."""

    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.all(),
        to_field_name="gss_code",
        label="Region",
        empty_label="All regions",
        error_messages={"invalid_choice": "Choose a region from the list"},
    )
    kind = django_filters.ChoiceFilter(
        choices=Event.Kind.choices,
        label="Kind of event",
        empty_label="All kinds of event",
        error_messages={"invalid_choice": "Choose a kind of event from the list"},
    )
    month = django_filters.ChoiceFilter(
        choices=next_twelve_months,
        method="in_month",
        label="Month",
        empty_label="Any month",
        error_messages={"invalid_choice": "Choose a month from the list"},
    )
    where = django_filters.ChoiceFilter(
        choices=WHERE,
        method="online_or_in_person",
        label="Online or in person",
        empty_label="Online and in person",
        error_messages={"invalid_choice": "Choose online or in person"},
    )

    class Meta:
        model = Event
        fields = ["region", "kind", "month", "where"]

    def in_month(self, queryset, name, value):
        """Events that start in the month, UK time."""
        year, month = (int(part) for part in value.split("-"))
        return queryset.filter(
            start__gte=month_start(year, month),
            start__lt=month_start(*shift_months(year, month, 1)),
        )

    def online_or_in_person(self, queryset, name, value):
        return queryset.filter(online=value == "online")


class PastEventFilter(EventFilter):
    """The archive's filters. Months offered: this one and the 23 before it."""

    month = django_filters.ChoiceFilter(
        choices=last_two_years,
        method="in_month",
        label="Month",
        empty_label="Any month",
        error_messages={"invalid_choice": "Choose a month from the list"},
    )
