"""The forms a Citizen Leader fills in about themselves: their profile, the
activity log, their stories, and closing their account.

Each form owns its input rules and says what went wrong in GOV.UK style. They
are plain forms: the views hand the cleaned answers to the services in
``leaders.services.participation``, which do the writing. Templates draw the
fields with the shared GOV.UK includes in ``templates/includes/fields/`` (and
``leaders/me/includes/date_field.html`` for a date), like the application's
pages.
"""

from datetime import date
from decimal import Decimal

from allauth.core import ratelimit
from django import forms
from django.db.models import Q
from django.utils import timezone

from leaders.forms.fields import (
    PARTICIPATION_FLAGS,
    TIMES,
    WAYS,
    checkboxes,
    clean_phone_number,
    participation_flags,
    participation_initial,
    too_long,
)
from leaders.models import CONTACT_METHODS, DAYS, FORMATS, Activity, Interest, Skill, Story, Travel
from ulos.models import LocalAuthority


class DateParts(forms.MultiWidget):
    """Day, month and year inputs named ``<name>_day``, ``<name>_month`` and
    ``<name>_year``, drawn by ``leaders/me/includes/date_field.html``."""

    def __init__(self, attrs=None):
        widgets = {"day": forms.TextInput, "month": forms.TextInput, "year": forms.TextInput}
        super().__init__(widgets, attrs)

    def decompress(self, value):
        return [value.day, value.month, value.year] if value else [None, None, None]


class GovukDateField(forms.MultiValueField):
    """A GOV.UK date input (day, month, year) with GOV.UK's error messages:
    one message for the whole date, saying what is missing or wrong."""

    widget = DateParts
    PARTS = ("day", "month", "year")

    def __init__(self, *, required_message="Enter a date", **kwargs):
        parts = [forms.CharField(required=False) for _ in self.PARTS]
        super().__init__(fields=parts, require_all_fields=False, **kwargs)
        self.error_messages["required"] = required_message

    def clean(self, value):
        values = [str(part or "").strip() for part in [*(value or []), "", "", ""][:3]]
        if not any(values):
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return None
        missing = [name for name, part in zip(self.PARTS, values, strict=True) if not part]
        if missing:
            raise forms.ValidationError(
                f"The date must include a {' and a '.join(missing)}", code="incomplete"
            )
        day, month, year = values
        if not all(part.isdigit() for part in values):
            raise forms.ValidationError("The date must be a real date", code="invalid")
        if len(year) != 4:
            raise forms.ValidationError("The year must include 4 numbers", code="invalid_year")
        try:
            return date(int(year), int(month), int(day))
        except ValueError:
            raise forms.ValidationError("The date must be a real date", code="invalid") from None

    def compress(self, data_list):  # clean() above does all the work
        return data_list


def text_field(
    *, label, limit, what, required_message="", help_text="", textarea=False, attrs=None
) -> forms.CharField:
    """A text input (or a textarea). ``what`` names the answer in the message
    about its length; a ``required_message`` makes it required."""
    widget = forms.Textarea(attrs={"rows": 5, **(attrs or {})}) if textarea else None
    if widget is None:
        widget = forms.TextInput(attrs=attrs)
    return forms.CharField(
        label=label,
        required=bool(required_message),
        max_length=limit,
        help_text=help_text,
        widget=widget,
        error_messages={"required": required_message, "max_length": too_long(what, limit)},
    )


# --- Profile -------------------------------------------------------------

YES_NO = [("yes", "Yes"), ("no", "No")]


class ProfileForm(forms.Form):
    """The leader's own profile. ``initial_from(leader)`` gives its answers
    now; ``profile_fields()`` the answers to store."""

    preferred_name = text_field(
        label="What should we call you? (optional)",
        limit=100,
        what="The name to use",
        help_text="For example, if your name is Elizabeth, you might like us to call you Liz.",
        attrs={"autocomplete": "nickname", "spellcheck": "false"},
    )
    phone = text_field(
        label="Phone number (optional)",
        limit=40,
        what="Phone number",
        help_text="We only use it if you would like us to call or text you.",
        attrs={"type": "tel", "autocomplete": "tel"},
    )
    bio = text_field(
        label="A short bio (optional)",
        limit=1000,
        what="Your bio",
        textarea=True,
        help_text=(
            "A few sentences about you and what you bring. Council staff see it if you "
            "choose to appear in the directory."
        ),
    )
    interests = forms.ModelMultipleChoiceField(
        label="What would you like to do?",
        queryset=Interest.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
        error_messages={"invalid_choice": "Select what you would like to do from the list"},
    )
    skills = forms.ModelMultipleChoiceField(
        label="What skills do you have?",
        queryset=Skill.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
        error_messages={"invalid_choice": "Select your skills from the list"},
    )
    other_skills = text_field(
        label="Other skills (optional)",
        limit=1000,
        what="Other skills",
        textarea=True,
        help_text="Anything else you are good at.",
    )
    days = checkboxes(
        label="Which days can you usually take part?",
        choices=DAYS,
        required=False,
        help_text="Select all that apply.",
        error_messages={"invalid_choice": "Select days from the list"},
    )
    times = checkboxes(
        label="What times of day suit you?",
        choices=TIMES,
        required=False,
        help_text="Select all that apply.",
        error_messages={"invalid_choice": "Select daytime, evenings or both"},
    )
    ways = checkboxes(
        label="How can you take part?",
        choices=WAYS,
        required=False,
        help_text="Select all that apply.",
        error_messages={"invalid_choice": "Select online, in person or both"},
    )
    travel = forms.ChoiceField(
        label="How far can you travel?",
        choices=Travel.choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Select how far you can travel"},
    )
    in_directory = forms.ChoiceField(
        label="Do you want to appear in the directory for council staff?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        help_text=(
            "Council staff use the directory to find leaders to involve in their work. "
            "It shows your name, council area, short bio, skills and what you would like "
            "to do. It never shows your phone number or your access needs."
        ),
        error_messages={
            "required": "Select yes if you want to appear in the directory",
            "invalid_choice": "Select yes if you want to appear in the directory",
        },
    )
    directory_shows_email = forms.BooleanField(
        label="Show my email address in the directory",
        required=False,
        help_text="Only if you appear in the directory. Council staff can then email you directly.",
    )
    contact_methods = checkboxes(
        label="How should we contact you?",
        choices=CONTACT_METHODS,
        help_text="Select all that apply.",
        error_messages={
            "required": "Select at least one way we can contact you",
            "invalid_choice": "Select ways to contact you from the list",
        },
    )
    formats = checkboxes(
        label="Would you like information in another format?",
        choices=FORMATS,
        required=False,
        help_text="Optional. Select all that apply.",
        error_messages={"invalid_choice": "Select formats from the list"},
    )
    access_needs = text_field(
        label="Your access needs (optional)",
        limit=2000,
        what="Your access needs",
        textarea=True,
        help_text=(
            "Private: only you and the coordinators who arrange your work see this. It is "
            "never shown in the directory or to council staff. For example, a hearing loop, "
            "step-free access or regular breaks."
        ),
    )

    COPIED = [
        "preferred_name",
        "phone",
        "bio",
        "other_skills",
        "days",
        "travel",
        "directory_shows_email",
        "contact_methods",
        "formats",
        "access_needs",
    ]

    @classmethod
    def initial_from(cls, leader) -> dict:
        initial = {name: getattr(leader, name) for name in cls.COPIED}
        initial["interests"] = [interest.pk for interest in leader.interests.all()]
        initial["skills"] = [skill.pk for skill in leader.skills.all()]
        initial["in_directory"] = "yes" if leader.in_directory else "no"
        initial.update(participation_initial(leader))
        return initial

    def clean_phone(self):
        return clean_phone_number(self.cleaned_data["phone"])

    def clean(self):
        cleaned = super().clean()
        calls_or_texts = {"phone", "text"} & set(cleaned.get("contact_methods") or [])
        if calls_or_texts and "phone" in cleaned and not cleaned["phone"]:
            self.add_error(
                "phone",
                forms.ValidationError(
                    "Enter a phone number so we can call or text you", code="phone_needed"
                ),
            )
        return cleaned

    def profile_fields(self) -> dict:
        """The answers as the ``Leader`` fields that hold them."""
        data = dict(self.cleaned_data)
        data.update(participation_flags(data))
        for field in PARTICIPATION_FLAGS:
            del data[field]
        data["in_directory"] = data["in_directory"] == "yes"
        return data


# --- Activities ------------------------------------------------------------

HOURS_MESSAGE = "Enter hours between 0.25 and 24"


def hours_field(*, label, help_text, required_message, invalid_message):
    """A number of hours from a quarter of an hour to a day, as the database allows."""
    return forms.DecimalField(
        label=label,
        help_text=help_text,
        min_value=Decimal("0.25"),
        max_value=Decimal("24"),
        max_digits=4,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
        error_messages={
            "required": required_message,
            "invalid": invalid_message,
            "min_value": HOURS_MESSAGE,
            "max_value": HOURS_MESSAGE,
            "max_digits": HOURS_MESSAGE,
            "max_whole_digits": HOURS_MESSAGE,
            "max_decimal_places": "Hours can have up to 2 decimal places, like 1.25",
        },
    )


MEETING_KINDS = " or ".join(f"‘{Activity.Kind(kind).label}’" for kind in Activity.MEETINGS)


class ActivityForm(forms.Form):
    """One entry in the activity log. The three meeting questions are kept
    only for local and regional meetings (``dropped_meeting_answers`` tells
    the view when answers were left out)."""

    MEETING_FIELDS = ("challenge", "council_response", "change")

    kind = forms.ChoiceField(
        label="What did you do?",
        choices=Activity.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select what you did",
            "invalid_choice": "Select what you did",
        },
    )
    date = GovukDateField(
        label="When did you do it?",
        help_text="For example, 27 3 2025",
        required_message="Enter the date you did it",
    )
    hours = hours_field(
        label="How many hours did it take?",
        help_text="Include preparation and travel. For example, 2 or 1.5",
        required_message="Enter how many hours it took",
        invalid_message="Hours must be a number, like 2 or 1.5",
    )
    local_authority = forms.ModelChoiceField(
        label="Which council was involved? (optional)",
        queryset=LocalAuthority.objects.none(),
        required=False,
        empty_label="No council",
        error_messages={"invalid_choice": "Select a council from the list"},
    )
    organisation = text_field(
        label="Any other organisation involved (optional)",
        limit=200,
        what="The organisation",
        help_text="For example, a user-led organisation or a charity.",
    )
    people_reached = forms.IntegerField(
        label="How many people did you reach? (optional)",
        help_text="Leave it blank if you do not know.",
        required=False,
        min_value=0,
        max_value=1_000_000,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "invalid": "People reached must be a whole number, like 12",
            "min_value": "People reached must be 0 or more",
            "max_value": "People reached must be 1,000,000 or fewer",
        },
    )
    description = text_field(
        label="Describe what you did",
        limit=3000,
        what="The description",
        textarea=True,
        required_message="Describe what you did",
        help_text="A few sentences are enough. A coordinator reads this when they check the entry.",
    )
    challenge = text_field(
        label="What challenge did you raise? (optional)",
        limit=3000,
        what="The challenge",
        textarea=True,
    )
    council_response = text_field(
        label="How did the council respond? (optional)",
        limit=3000,
        what="The council’s response",
        textarea=True,
    )
    change = text_field(
        label="What changed as a result? (optional)",
        limit=3000,
        what="What changed",
        textarea=True,
        help_text="You can come back and add this later.",
    )

    meeting_kinds = MEETING_KINDS

    def __init__(self, *args, current_council=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Councils as they are today, and the one already chosen even if it has
        # since been reorganised away.
        councils = Q(pk__in=LocalAuthority.objects.current().values("pk"))
        if current_council is not None:
            councils |= Q(pk=current_council.pk)
        self.fields["local_authority"].queryset = LocalAuthority.objects.filter(councils).order_by(
            "name"
        )
        self.dropped_meeting_answers = False

    def meeting_fields(self):
        return [self[name] for name in self.MEETING_FIELDS]

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value and value > timezone.localdate():
            raise forms.ValidationError("The date must be today or in the past", code="future")
        return value

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind and kind not in Activity.MEETINGS:
            for name in self.MEETING_FIELDS:
                if cleaned.get(name):
                    self.dropped_meeting_answers = True
                cleaned[name] = ""
        return cleaned


# --- Stories ----------------------------------------------------------------

USES = [
    ("website", "On the public Citizen Leaders website"),
    ("training", "In training materials"),
]


class StoryForm(forms.Form):
    title = text_field(
        label="Give your story a title",
        limit=200,
        what="The title",
        required_message="Enter a title for your story",
    )
    body = text_field(
        label="Your story",
        limit=10_000,
        what="Your story",
        textarea=True,
        attrs={"rows": 15},
        required_message="Write your story",
        help_text=(
            "How has self-directed support changed your life? Write it in your own words. "
            "Do not include other people’s names or details that could identify them."
        ),
    )
    name_shown = forms.ChoiceField(
        label="How should your name be shown?",
        choices=Story.NameShown.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select how your name is shown",
            "invalid_choice": "Select how your name is shown",
        },
    )
    uses = checkboxes(
        label="Where may we use your story?",
        choices=USES,
        help_text=(
            "Select all that apply. We only use your story where you say we may. "
            "You can withdraw your consent at any time."
        ),
        error_messages={
            "required": (
                "Select at least one place we may use your story. "
                "Without one, we cannot use it at all"
            ),
            "invalid_choice": "Select where we may use your story from the list",
        },
    )

    @staticmethod
    def initial_from(story) -> dict:
        uses = {"website": story.on_website, "training": story.in_training}
        return {
            "title": story.title,
            "body": story.body,
            "name_shown": story.name_shown,
            "uses": [use for use, allowed in uses.items() if allowed],
        }

    def story_fields(self) -> dict:
        """The answers as the ``Story`` fields that hold them."""
        data = dict(self.cleaned_data)
        uses = set(data.pop("uses"))
        data["on_website"] = "website" in uses
        data["in_training"] = "training" in uses
        return data


# --- Closing an account ------------------------------------------------------


class CloseAccountForm(forms.Form):
    """Confirm with the account's password. Every try counts towards allauth's
    ``reauthenticate`` rate limit, so the page cannot be used to guess it."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password"},
    )

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_password(self):
        password = self.cleaned_data["password"]
        user = self.request.user
        if not ratelimit.consume(self.request, action="reauthenticate", user=user):
            raise forms.ValidationError(
                "You’ve tried this too many times. Wait a few minutes, then try again",
                code="rate_limited",
            )
        if not user.check_password(password):
            raise forms.ValidationError("The password is not right", code="incorrect_password")
        return password
