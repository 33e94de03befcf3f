"""The booking form: what a person needs to take part in an event, and their
agreement to the organisers being told.

The form owns the input rules and says what went wrong in GOV.UK style; the
booking views hand its answers to ``events.services``. Templates draw the
fields with the shared GOV.UK includes in ``templates/includes/fields/``.
"""

from django import forms

from events.models import ACCESS_REQUIREMENTS, Event, Registration
from leaders.forms.fields import checkboxes
from leaders.forms.me import text_field

YES_NO = [("yes", "Yes"), ("no", "No")]
CONSENT_MESSAGE = (
    "Tick the box to agree to the organisers being told what you need, or remove what you entered"
)


class BookingForm(forms.Form):
    """A booking, or the changes to one. ``event`` is the event being booked:
    an online event does not ask about food. ``needs_fields()`` gives the
    answers as ``services.registration_create`` and ``registration_update``
    take them; ``initial_from(registration)`` the answers given before."""

    access_requirements = checkboxes(
        label="Do you need any of these to take part?",
        choices=ACCESS_REQUIREMENTS,
        required=False,
        help_text="Select all that apply.",
        error_messages={"invalid_choice": "Select what you need from the list"},
    )
    access_details = text_field(
        label="Anything else you need (optional)",
        limit=1000,
        what="Anything else you need",
        textarea=True,
        help_text="For example, a seat near the door, information in a different format, or "
        "someone to meet you at the entrance.",
    )
    bringing_assistant = forms.ChoiceField(
        label="Will a personal assistant or support worker come with you?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        help_text=(
            "Their place is free and does not take an attendee’s place, "
            "so it does not stop anyone else coming."
        ),
        error_messages={
            "required": "Select yes if a personal assistant or support worker will come with you",
            "invalid_choice": (
                "Select yes if a personal assistant or support worker will come with you"
            ),
        },
    )
    dietary_needs = text_field(
        label="Do you have any dietary needs? (optional)",
        limit=500,
        what="Your dietary needs",
        textarea=True,
        help_text="For example, vegetarian, halal, or an allergy to nuts.",
    )
    share_needs = forms.BooleanField(
        label="I agree to the organisers being told what I need",
        required=False,
        help_text=(
            "We tell only the event’s organisers, so they can get things ready for you. "
            "If you have not entered anything above, you do not need to tick this."
        ),
    )

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        if event.online:
            del self.fields["dietary_needs"]

    @staticmethod
    def initial_from(registration: Registration) -> dict:
        return {
            "access_requirements": list(registration.access_requirements),
            "access_details": registration.access_details,
            "bringing_assistant": "yes" if registration.bringing_assistant else "no",
            "dietary_needs": registration.dietary_needs,
            "share_needs": registration.share_needs,
        }

    def clean(self):
        cleaned_data = super().clean()
        has_needs = bool(
            cleaned_data.get("access_requirements")
            or cleaned_data.get("access_details")
            or cleaned_data.get("bringing_assistant") == "yes"
            or cleaned_data.get("dietary_needs")
        )
        if has_needs and not cleaned_data.get("share_needs"):
            self.add_error(
                "share_needs", forms.ValidationError(CONSENT_MESSAGE, code="consent_required")
            )
        return cleaned_data

    def needs_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "access_requirements": data["access_requirements"],
            "access_details": data["access_details"],
            "bringing_assistant": data["bringing_assistant"] == "yes",
            "dietary_needs": data.get("dietary_needs", ""),
            "share_needs": data["share_needs"],
        }
