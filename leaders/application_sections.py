"""The sections of an application, in order, and how far each has got.

The one place that answers "is this section done?", so the task list, the
check-your-answers page and ``application_submit`` always agree. A section's
state is worked out from the answers stored on the application, never kept
separately.
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from django.utils import timezone
from django.utils.formats import date_format

from leaders.models import Application


class SectionState(StrEnum):
    NOT_STARTED = "Not yet started"
    INCOMPLETE = "Incomplete"
    COMPLETED = "Completed"


@dataclass(frozen=True)
class Answer:
    """One row on the check-your-answers page. ``field`` is the form field the
    Change link takes the person to."""

    label: str
    value: str | list[str]
    field: str

    @property
    def is_list(self) -> bool:
        return isinstance(self.value, list)


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    is_started: Callable[[Application], bool]
    is_complete: Callable[[Application], bool]
    answers: Callable[[Application], list[Answer]]

    def state(self, application: Application | None) -> SectionState:
        if application is None or application.pk is None or not self.is_started(application):
            return SectionState.NOT_STARTED
        if self.is_complete(application):
            return SectionState.COMPLETED
        return SectionState.INCOMPLETE


NOT_GIVEN = "Not given"

CONNECTION_FIELDS = ["is_disabled_person", "is_older_person", "is_carer", "is_family_or_friend"]


def _names(related) -> list[str]:
    # ``.all()`` rather than ``.exists()``: it uses the rows the view prefetched.
    return [str(item) for item in related.all()]


def _or_not_given(value):
    return value or NOT_GIVEN


def _about_you(application):
    return [
        Answer("Full name", application.full_name, "full_name"),
        Answer("Name to use", _or_not_given(application.preferred_name), "preferred_name"),
        Answer("Phone number", _or_not_given(application.phone), "phone"),
    ]


def _connection(application):
    return [
        Answer(
            "Your connection to adult social care",
            [label[0].upper() + label[1:] for label in application.connection_labels],
            "connections",
        ),
        Answer(
            "Experience of self-directed support",
            application.support_experience,
            "support_experience",
        ),
    ]


def _where_you_live(application):
    council = application.local_authority
    return [Answer("Council area", str(council) if council else "", "local_authority")]


def _what_you_would_like_to_do(application):
    return [
        Answer("What you would like to do", _names(application.interests), "interests"),
        Answer("Skills", _names(application.skills) or NOT_GIVEN, "skills"),
        Answer("Other skills", _or_not_given(application.other_skills), "other_skills"),
    ]


def _times(application):
    return [
        label
        for flag, label in (
            (application.available_daytime, "Daytime"),
            (application.available_evenings, "Evenings"),
        )
        if flag
    ]


def _ways(application):
    return [
        label
        for flag, label in (
            (application.available_online, "Online"),
            (application.available_in_person, "In person"),
        )
        if flag
    ]


def _when_and_how(application):
    return [
        Answer("Days", application.day_labels(), "days"),
        Answer("Times of day", _times(application), "times"),
        Answer("How you can take part", _ways(application), "ways"),
        Answer("How far you can travel", application.get_travel_display(), "travel"),
    ]


def _support(application):
    return [
        Answer("Support you need", _or_not_given(application.access_needs), "access_needs"),
        Answer("Other formats", application.format_labels() or NOT_GIVEN, "formats"),
        Answer("How to contact you", application.contact_method_labels(), "contact_methods"),
    ]


def _consent(application):
    agreed = application.consented_at
    value = f"You agreed on {date_format(timezone.localtime(agreed), 'j F Y')}" if agreed else ""
    return [Answer("Your agreement", value, "agree")]


SECTIONS = [
    Section(
        slug="about-you",
        title="About you",
        is_started=lambda a: bool(a.full_name or a.preferred_name or a.phone),
        is_complete=lambda a: bool(a.full_name),
        answers=_about_you,
    ),
    Section(
        slug="connection",
        title="Your connection to adult social care",
        is_started=lambda a: (
            any(getattr(a, name) for name in CONNECTION_FIELDS) or bool(a.support_experience)
        ),
        is_complete=lambda a: (
            any(getattr(a, name) for name in CONNECTION_FIELDS) and bool(a.support_experience)
        ),
        answers=_connection,
    ),
    Section(
        slug="where-you-live",
        title="Where you live",
        is_started=lambda a: a.local_authority_id is not None,
        is_complete=lambda a: a.local_authority_id is not None,
        answers=_where_you_live,
    ),
    Section(
        slug="what-you-would-like-to-do",
        title="What you would like to do",
        is_started=lambda a: bool(_names(a.interests) or _names(a.skills) or a.other_skills),
        is_complete=lambda a: bool(_names(a.interests)),
        answers=_what_you_would_like_to_do,
    ),
    Section(
        slug="when-and-how",
        title="When and how you can take part",
        is_started=lambda a: bool(a.days or _times(a) or _ways(a) or a.travel),
        is_complete=lambda a: bool(a.days and _times(a) and _ways(a) and a.travel),
        answers=_when_and_how,
    ),
    Section(
        slug="support",
        title="Support to take part",
        is_started=lambda a: bool(a.access_needs or a.formats or a.contact_methods),
        is_complete=lambda a: bool(a.contact_methods),
        answers=_support,
    ),
    Section(
        slug="consent",
        title="How we use your information",
        is_started=lambda a: a.consented_at is not None,
        is_complete=lambda a: a.consented_at is not None,
        answers=_consent,
    ),
]

SECTIONS_BY_SLUG = {section.slug: section for section in SECTIONS}


def section_states(application: Application | None) -> list[tuple[Section, SectionState]]:
    """Every section with its state, in order. ``None`` (nothing saved yet)
    gives every section as not yet started."""
    return [(section, section.state(application)) for section in SECTIONS]


def incomplete_sections(application: Application | None) -> list[Section]:
    return [
        section for section, state in section_states(application) if state != SectionState.COMPLETED
    ]
