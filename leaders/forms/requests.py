"""The forms of a request for a leader's involvement: the council's request,
cancelling it and giving feedback, the filter of the council's list, and a
leader's answer to an offer.

Like the leader's own forms, they own the input rules and say what went
wrong in GOV.UK style; the views hand the answers to
``leaders.services.requests``. Templates draw the fields with the shared
GOV.UK includes (``templates/includes/fields/``), and the questions whose
answer reveals another question with
``leaders/requests/includes/conditional_radios.html``, which shows both
questions when JavaScript is off.
"""

import re
from datetime import time

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from leaders.forms.me import GovukDateField, hours_field, text_field
from leaders.models import InvolvementRequest, Leader, Skill
from leaders.services.requests import leader_name

YES_NO = [("yes", "Yes"), ("no", "No")]
WHERE = [("online", "Online, for example a video call"), ("in_person", "In person")]
TIME_MESSAGE = "Enter a start time, like 10am, 2:30pm or 14:30"
TIME_FORMAT = re.compile(r"(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?(?P<half>am|pm)?")


def parse_time(text: str) -> time | None:
    """A time as people type it: "10am", "2:30pm", "2.30 pm", "14:30", "midday"."""
    text = text.strip().lower().replace(" ", "").replace("a.m.", "am").replace("p.m.", "pm")
    if text in ("midday", "noon", "12noon"):
        return time(12, 0)
    match = TIME_FORMAT.fullmatch(text)
    if match is None:
        return None
    hour, minute = int(match["hour"]), int(match["minute"] or 0)
    if match["half"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match["half"] == "pm" else 0)
    elif match["minute"] is None:
        return None  # "10" on its own could be morning or evening
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


class RequestForm(forms.Form):
    """A council's request for involvement. ``council`` is the staff member's
    own: the leaders offered are those in the directory in its region, and
    any already chosen (from a leader's page elsewhere, say)."""

    purpose = forms.ChoiceField(
        label="What would you like a Citizen Leader’s involvement in?",
        choices=InvolvementRequest.Purpose.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select what you would like their involvement in",
            "invalid_choice": "Select what you would like their involvement in",
        },
    )
    purpose_other = text_field(
        label="What is it?",
        limit=200,
        what="What it is",
    )
    title = text_field(
        label="Give it a short title",
        limit=200,
        what="The title",
        required_message="Enter a short title",
        help_text="For example, Carers’ strategy workshop.",
    )
    date = GovukDateField(
        label="What date is it?",
        help_text="For example, 27 3 2027",
        required_message="Enter the date",
    )
    start_time = text_field(
        label="What time does it start? (optional)",
        limit=20,
        what="The start time",
        help_text="For example, 10am, 2:30pm or 14:30.",
        attrs={"spellcheck": "false"},
    )
    hours = hours_field(
        label="How long will it take, in hours?",
        help_text="Include any time to prepare. For example, 2 or 1.5",
        required_message="Enter how long it will take, in hours",
        invalid_message="How long must be a number of hours, like 2 or 1.5",
    )
    where = forms.ChoiceField(
        label="Is it online or in person?",
        choices=WHERE,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select online or in person",
            "invalid_choice": "Select online or in person",
        },
    )
    location = text_field(
        label="Where is it?",
        limit=300,
        what="Where it is",
        help_text="The building and address, for example Civic Hall, Calverley Street, Leeds.",
    )
    expenses_offered = forms.ChoiceField(
        label="Will you pay travel and other expenses?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select yes if you will pay expenses",
            "invalid_choice": "Select yes if you will pay expenses",
        },
    )
    payment_offered = forms.ChoiceField(
        label="Will you pay the leader for their involvement?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        help_text="As well as any expenses.",
        error_messages={
            "required": "Select yes if you will pay for their involvement",
            "invalid_choice": "Select yes if you will pay for their involvement",
        },
    )
    payment_details = text_field(
        label="What will you pay?",
        limit=300,
        what="What you will pay",
        help_text="For example, £25 an hour, or a £50 voucher.",
    )
    description = text_field(
        label="Describe what it involves",
        limit=3000,
        what="The description",
        textarea=True,
        required_message="Describe what it involves",
        help_text=(
            "Who will be there, what you would like the leader to do, and anything they "
            "should prepare. Say what access arrangements there are, such as step-free "
            "access or a hearing loop."
        ),
    )
    leaders = forms.ModelMultipleChoiceField(
        label="Particular leaders (optional)",
        queryset=Leader.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose leaders from the list"},
    )
    skills = forms.ModelMultipleChoiceField(
        label="Skills you want (optional)",
        queryset=Skill.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
        error_messages={"invalid_choice": "Choose skills from the list"},
    )

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        self.council = council
        field = self.fields["leaders"]
        # Any leader in the directory may be chosen; the list shows those in
        # the council's region and any already chosen, not every leader in England.
        field.queryset = Leader.objects.in_directory()
        shown = (
            Leader.objects.in_directory()
            .filter(Q(local_authority__region=council.region_id) | Q(pk__in=self.chosen_leaders()))
            .select_related("user", "local_authority")
        )
        shown = sorted(
            shown,
            key=lambda leader: (
                leader.local_authority_id != council.pk,
                leader_name(leader).lower(),
            ),
        )
        field.widget.choices = [
            (leader.pk, f"{leader_name(leader)}, {leader.local_authority.name}") for leader in shown
        ]
        # bandit's B608 takes "Select all" in this help text for SQL.
        field.help_text = (
            f"Leaders in {council.region.name} who appear in the directory. Select all that "  # nosec B608
            "apply. To ask a leader from elsewhere, find them in the directory and ask for "
            "their involvement from their page."
        )

    def chosen_leaders(self) -> list[int]:
        if self.is_bound:
            values = self.data.getlist(self.add_prefix("leaders"))
        else:
            values = self.initial.get("leaders") or []
        return [int(value) for value in map(str, values) if value.isdigit()]

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value and value < timezone.localdate():
            raise forms.ValidationError("The date must be today or in the future", code="past")
        return value

    def clean_start_time(self):
        text = self.cleaned_data["start_time"]
        if not text:
            return None
        value = parse_time(text)
        if value is None:
            raise forms.ValidationError(TIME_MESSAGE, code="invalid")
        return value

    def clean(self):
        cleaned = super().clean()
        required_when = [
            ("purpose", InvolvementRequest.Purpose.OTHER, "purpose_other", "Enter what it is"),
            ("where", "in_person", "location", "Enter where it is"),
            ("payment_offered", "yes", "payment_details", "Enter what you will pay"),
        ]
        for question, answer, detail, message in required_when:
            if cleaned.get(question) == answer and detail in cleaned and not cleaned[detail]:
                self.add_error(detail, forms.ValidationError(message, code="required"))
        if (
            "leaders" in cleaned
            and "skills" in cleaned
            and not cleaned["leaders"]
            and not cleaned["skills"]
        ):
            # Against the first list on the page, so the error summary links to it.
            name = "leaders" if self.fields["leaders"].widget.choices else "skills"
            self.add_error(
                name,
                forms.ValidationError(
                    "Choose particular leaders, or the skills you want, or both",
                    code="no_one_asked",
                ),
            )
        return cleaned

    def request_fields(self) -> dict:
        """The answers as the ``InvolvementRequest`` fields that hold them,
        with ``leaders`` and ``skills``."""
        data = self.cleaned_data
        return {
            "purpose": data["purpose"],
            "purpose_other": data["purpose_other"],
            "title": data["title"],
            "date": data["date"],
            "start_time": data["start_time"],
            "hours": data["hours"],
            "online": data["where"] == "online",
            "location": data["location"],
            "expenses_offered": data["expenses_offered"] == "yes",
            "payment_offered": data["payment_offered"] == "yes",
            "payment_details": data["payment_details"],
            "description": data["description"],
            "leaders": list(data["leaders"]),
            "skills": list(data["skills"]),
        }


class CancelRequestForm(forms.Form):
    reason = text_field(
        label="Why are you cancelling it? (optional)",
        limit=2000,
        what="The reason",
        textarea=True,
        help_text="We send this to the coordinators and to any leaders who were put forward.",
    )


class FeedbackForm(forms.Form):
    feedback = text_field(
        label="How did it go?",
        limit=3000,
        what="Your feedback",
        textarea=True,
        required_message="Enter your feedback",
        help_text=(
            "What difference did the leaders make? What could have gone better? "
            "The coordinators read this and may share it with the leaders."
        ),
    )


class OfferAnswerForm(forms.Form):
    """A leader's answer to an offer, from the Accept or Decline button."""

    answer = forms.ChoiceField(
        choices=[("accept", "Accept"), ("decline", "Decline")],
        error_messages={
            "required": "Choose whether you can take part",
            "invalid_choice": "Choose whether you can take part",
        },
    )
    reason = text_field(
        label="Why can you not take part? (optional)",
        limit=2000,
        what="The reason",
        textarea=True,
        help_text="Only the coordinators see this. The council is told you cannot take part.",
    )


class RequestFilter(django_filters.FilterSet):
    """The council's list of requests, by where each stands."""

    status = django_filters.ChoiceFilter(
        label="Show",
        choices=InvolvementRequest.Status.choices,
        empty_label="All requests",
        error_messages={"invalid_choice": "Choose a status from the list"},
    )

    class Meta:
        model = InvolvementRequest
        fields = ["status"]
