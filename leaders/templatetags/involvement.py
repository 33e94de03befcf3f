"""Template filters for requests for a leader's involvement."""

import datetime

from django import template

register = template.Library()


@register.filter
def clock(value) -> str:
    """A time as people in the UK write it: "10am", "2:30pm", "midday"."""
    if not isinstance(value, datetime.time):
        return ""
    if (value.hour, value.minute) == (12, 0):
        return "midday"
    if (value.hour, value.minute) == (0, 0):
        return "midnight"
    hour = value.hour % 12 or 12
    minutes = f":{value.minute:02d}" if value.minute else ""
    return f"{hour}{minutes}{'am' if value.hour < 12 else 'pm'}"


STATUS_COLOURS = {
    "open": "govuk-tag--grey",
    "matched": "",
    "accepted": "govuk-tag--turquoise",
    "completed": "govuk-tag--green",
    "cancelled": "govuk-tag--red",
    "offered": "govuk-tag--yellow",
    "declined": "govuk-tag--red",
    "withdrawn": "govuk-tag--grey",
}


@register.filter
def tag_colour(status) -> str:
    """The GOV.UK tag colour for a request's status or a leader's answer."""
    return STATUS_COLOURS.get(str(status), "")
