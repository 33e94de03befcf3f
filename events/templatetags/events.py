"""How events read on the page and in emails: their times in UK time."""

from django import template
from django.utils import timezone

from leaders.templatetags.involvement import clock

register = template.Library()


@register.filter
def event_when(event) -> str:
    """When an event happens, in UK time: "Tuesday 16 March 2027, 10am to 3pm",
    or "Friday 5 March 2027, 10am to Saturday 6 March 2027, 1pm" over two days."""
    start, end = timezone.localtime(event.start), timezone.localtime(event.end)
    day = f"{start:%A} {start.day} {start:%B %Y}"
    if start.date() == end.date():
        return f"{day}, {clock(start.time())} to {clock(end.time())}"
    return f"{day}, {clock(start.time())} to {end:%A} {end.day} {end:%B %Y}, {clock(end.time())}"


@register.filter
def event_date(event) -> str:
    """The day an event starts: "Tuesday 16 March 2027"."""
    start = timezone.localtime(event.start)
    return f"{start:%A} {start.day} {start:%B %Y}"
