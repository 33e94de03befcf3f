"""What the application's pages and the leader's profile ask alike: field
builders, the phone number rule, and the times and ways of taking part,
which the models keep as yes/no flags and the forms ask as checkboxes."""

import re

from django import forms

PHONE_MESSAGE = "Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"

TIMES = [("daytime", "Daytime"), ("evenings", "Evenings")]
WAYS = [("online", "Online, for example a video call"), ("in_person", "In person")]
# Checkbox field → {choice: the model's yes/no field}
PARTICIPATION_FLAGS = {
    "times": {"daytime": "available_daytime", "evenings": "available_evenings"},
    "ways": {"online": "available_online", "in_person": "available_in_person"},
}


def too_long(what: str, limit: int) -> str:
    return f"{what} must be {limit:,} characters or fewer"


def checkboxes(**kwargs) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple, **kwargs)


def clean_phone_number(phone: str) -> str:
    """A UK or international phone number, or nothing."""
    if not phone:
        return phone
    digits = re.sub(r"\D", "", phone)
    if not re.fullmatch(r"[0-9 +()\-]+", phone) or not 10 <= len(digits) <= 15:
        raise forms.ValidationError(PHONE_MESSAGE, code="phone_format")
    return phone


def participation_initial(record) -> dict:
    """The times and ways checkboxes, ticked from a record's flags."""
    return {
        field: [choice for choice, flag in flags.items() if getattr(record, flag)]
        for field, flags in PARTICIPATION_FLAGS.items()
    }


def participation_flags(cleaned_data) -> dict:
    """The record's flags from the times and ways checkboxes."""
    return {
        flag: choice in set(cleaned_data[field])
        for field, flags in PARTICIPATION_FLAGS.items()
        for choice, flag in flags.items()
    }
