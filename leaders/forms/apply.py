"""The application's question pages: one form per section.

Each form owns the rules for its page and gives the answers to store with
``answers()``: Application field names to values, which
``leaders.services.applications.application_save_section`` saves. A page
whose answers are rejected saves nothing.
"""

from itertools import groupby
from operator import attrgetter

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils import timezone

from leaders.application_sections import CONNECTION_FIELDS
from leaders.forms.fields import (
    TIMES,
    WAYS,
    checkboxes,
    clean_phone_number,
    participation_flags,
    participation_initial,
    too_long,
)
from leaders.models import CONTACT_METHODS, DAYS, FORMATS, Application, Interest, Skill, Travel
from ulos.models import LocalAuthority

TEXT_LIMIT = 2000
CHOOSE_FROM_THE_LIST = "Select from the list"


def long_text(*, label: str, what: str, help_text: str = "", required_message: str = ""):
    """A textarea. ``what`` names the answer in the message about its length."""
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=bool(required_message),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": required_message,
            "max_length": too_long(what, TEXT_LIMIT),
        },
    )


class SectionForm(forms.ModelForm):
    """A question page. ``answers()`` gives what to store on the application."""

    def answers(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class AboutYouForm(SectionForm):
    class Meta:
        model = Application
        fields = ["full_name", "preferred_name", "phone"]
        labels = {
            "full_name": "Full name",
            "preferred_name": "What should we call you? (optional)",
            "phone": "Phone number (optional)",
        }
        help_texts = {
            "preferred_name": (
                "For example, if your name is Elizabeth, you might like us to call you Liz."
            ),
            "phone": "For international numbers include the country code.",
        }
        error_messages = {
            "full_name": {
                "required": "Enter your full name",
                "max_length": too_long("Full name", 200),
            },
            "preferred_name": {"max_length": too_long("The name to use", 100)},
            "phone": {"max_length": too_long("Phone number", 40)},
        }
        widgets = {
            "full_name": forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
            "preferred_name": forms.TextInput(
                attrs={"autocomplete": "nickname", "spellcheck": "false"}
            ),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].required = True
        if not self.initial.get("full_name"):
            # A head start: the name on their account, if they gave one.
            self.initial["full_name"] = self.instance.user.full_name

    def clean_phone(self):
        return clean_phone_number(self.cleaned_data["phone"])


CONNECTION_LABELS = {
    "is_disabled_person": "I am a disabled person",
    "is_older_person": "I am an older person",
    "is_carer": "I am a carer",
    "is_family_or_friend": (
        "I am a family member or friend of someone who uses adult social care services"
    ),
}
CONNECTIONS = [(name, CONNECTION_LABELS[name]) for name in CONNECTION_FIELDS]


class ConnectionForm(SectionForm):
    connections = checkboxes(
        label="Which of these describe you?",
        help_text="Select all that apply.",
        choices=CONNECTIONS,
        error_messages={
            "required": "Select at least one connection to adult social care",
            "invalid_choice": CHOOSE_FROM_THE_LIST,
        },
    )
    support_experience = long_text(
        label="Tell us about your experience of self-directed support",
        help_text=(
            "Self-directed support means having choice and control over your care and "
            "support, for example through a personal budget or direct payments. If you have "
            "not used it, tell us that: it does not stop you applying."
        ),
        what="Your experience of self-directed support",
        required_message="Tell us about your experience of self-directed support",
    )

    field_order = ["connections", "support_experience"]  # as on the page

    class Meta:
        model = Application
        fields = ["support_experience"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault(
            "connections", [name for name, _ in CONNECTIONS if getattr(self.instance, name)]
        )

    def answers(self):
        chosen = self.cleaned_data["connections"]
        return {
            **{name: name in chosen for name, _ in CONNECTIONS},
            "support_experience": self.cleaned_data["support_experience"],
        }


class CouncilsByRegion(ModelChoiceIterator):
    """The councils as one <optgroup> per region, so the plain select is
    easier to scan without JavaScript."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for region, councils in groupby(self.queryset, key=attrgetter("region")):
            yield (region.name, [self.choice(council) for council in councils])

    def __len__(self):
        return self.queryset.count() + (self.field.empty_label is not None)


class CouncilField(forms.ModelChoiceField):
    iterator = CouncilsByRegion


class WhereYouLiveForm(SectionForm):
    local_authority = CouncilField(
        label="Which council area do you live in?",
        help_text=(
            "This is the council responsible for adult social care where you live, "
            "for example Leeds or Kent."
        ),
        queryset=LocalAuthority.objects.current()
        .select_related("region")
        .order_by("region__name", "name"),
        empty_label="Select a council area",
        error_messages={
            "required": "Select your council area",
            "invalid_choice": "Select your council area from the list",
        },
    )

    class Meta:
        model = Application
        fields = ["local_authority"]


class WhatYouWouldLikeToDoForm(SectionForm):
    interests = forms.ModelMultipleChoiceField(
        label="What would you like to do as a Citizen Leader?",
        help_text="Select all that apply. You can change your mind later.",
        queryset=Interest.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select at least one thing you would like to do",
            "invalid_choice": CHOOSE_FROM_THE_LIST,
            "invalid_pk_value": CHOOSE_FROM_THE_LIST,
        },
    )
    skills = forms.ModelMultipleChoiceField(
        label="Which of these skills do you have? (optional)",
        help_text="Select all that apply. You do not need any of them to apply: we train you.",
        queryset=Skill.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={
            "invalid_choice": CHOOSE_FROM_THE_LIST,
            "invalid_pk_value": CHOOSE_FROM_THE_LIST,
        },
    )
    other_skills = long_text(
        label="Any other skills or experience (optional)",
        help_text="For example, languages you speak, or groups you have been part of.",
        what="Other skills",
    )

    class Meta:
        model = Application
        fields = ["interests", "skills", "other_skills"]


class WhenAndHowForm(SectionForm):
    days = checkboxes(
        label="Which days could you take part?",
        help_text="Select all that apply.",
        choices=DAYS,
        error_messages={
            "required": "Select at least one day you could take part",
            "invalid_choice": CHOOSE_FROM_THE_LIST,
        },
    )
    times = checkboxes(
        label="What times of day suit you?",
        help_text="Select all that apply.",
        choices=TIMES,
        error_messages={
            "required": "Select daytime, evenings or both",
            "invalid_choice": CHOOSE_FROM_THE_LIST,
        },
    )
    ways = checkboxes(
        label="How could you take part?",
        help_text="Select all that apply.",
        choices=WAYS,
        error_messages={
            "required": "Select online, in person or both",
            "invalid_choice": CHOOSE_FROM_THE_LIST,
        },
    )
    travel = forms.ChoiceField(
        label="How far could you travel to take part in person?",
        choices=Travel.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select how far you could travel",
            "invalid_choice": CHOOSE_FROM_THE_LIST,
        },
    )

    field_order = ["days", "times", "ways", "travel"]  # as on the page

    class Meta:
        model = Application
        fields = ["days", "travel"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field, chosen in participation_initial(self.instance).items():
            self.initial.setdefault(field, chosen)

    def answers(self):
        data = self.cleaned_data
        return {
            # In the week's order, whatever order the browser sent them in.
            "days": [value for value, _ in DAYS if value in data["days"]],
            **participation_flags(data),
            "travel": data["travel"],
        }


class SupportForm(SectionForm):
    access_needs = long_text(
        label="What support would help you take part? (optional)",
        help_text=(
            "For example, a personal assistant or support worker, step-free access, a hearing "
            "loop, regular breaks, or papers sent before meetings. Only the programme's "
            "coordinators see this."
        ),
        what="The support you need",
    )
    formats = checkboxes(
        label="Would you like information in another format? (optional)",
        help_text="Select all that apply.",
        choices=FORMATS,
        required=False,
        error_messages={"invalid_choice": CHOOSE_FROM_THE_LIST},
    )
    contact_methods = checkboxes(
        label="How would you like us to contact you?",
        help_text="Select all that apply.",
        choices=CONTACT_METHODS,
        error_messages={
            "required": "Select at least one way we can contact you",
            "invalid_choice": CHOOSE_FROM_THE_LIST,
        },
    )

    class Meta:
        model = Application
        fields = ["access_needs", "formats", "contact_methods"]

    def answers(self):
        data = self.cleaned_data
        return {
            "access_needs": data["access_needs"],
            "formats": [value for value, _ in FORMATS if value in data["formats"]],
            "contact_methods": [
                value for value, _ in CONTACT_METHODS if value in data["contact_methods"]
            ],
        }


class ConsentForm(SectionForm):
    agree = forms.BooleanField(
        label="I agree to Citizen Leaders using my information as described on this page",
        error_messages={"required": "Select the box to agree to how we use your information"},
    )

    class Meta:
        model = Application
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("agree", self.instance.consented_at is not None)

    def answers(self):
        # Keep the moment the person first agreed.
        return {"consented_at": self.instance.consented_at or timezone.now()}


SECTION_FORMS = {
    "about-you": AboutYouForm,
    "connection": ConnectionForm,
    "where-you-live": WhereYouLiveForm,
    "what-you-would-like-to-do": WhatYouWouldLikeToDoForm,
    "when-and-how": WhenAndHowForm,
    "support": SupportForm,
    "consent": ConsentForm,
}


class WithdrawForm(forms.Form):
    reason = long_text(
        label="Why are you withdrawing your application? (optional)",
        help_text="This helps us improve the programme. You do not have to tell us.",
        what="Your reason",
    )
