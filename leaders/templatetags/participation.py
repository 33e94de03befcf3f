"""Template filters for leaders' own pages and the public stories."""

from datetime import date
from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def hours_number(value) -> str:
    """Decimal("2.50") -> "2.5", Decimal("3.00") -> "3"."""
    if value in (None, ""):
        return ""
    text = f"{Decimal(value):.2f}"
    return text.rstrip("0").rstrip(".")


@register.filter
def hours(value) -> str:
    """Decimal("1.00") -> "1 hour", Decimal("2.50") -> "2.5 hours"."""
    if value in (None, ""):
        return ""
    number = hours_number(value)
    return f"{number} hour" if number == "1" else f"{number} hours"


@register.filter
def date_parts(field) -> list[str]:
    """A date field's day, month and year as typed (or as stored), for
    ``leaders/me/includes/date_field.html``."""
    value = field.value()
    if isinstance(value, date):
        return [str(value.day), str(value.month), str(value.year)]
    if isinstance(value, (list, tuple)):
        return [str(part or "") for part in [*value, "", "", ""][:3]]
    return ["", "", ""]
