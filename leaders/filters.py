"""Filters for the directory of Citizen Leaders. Every filter lives in the
address, so a search can be bookmarked or shared, and the form works
without JavaScript."""

import re

import django_filters
from django import forms
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q

from leaders.choices import DirectoryChoices, directory_choices
from leaders.models import Leader, TrainingRecord

AVAILABILITY = [
    ("online", "Online"),
    ("in_person", "In person"),
    ("daytime", "Daytime"),
    ("evenings", "Evenings"),
]

SORTS = [
    ("name", "Name"),
    ("recent", "Most recently active"),
]


def search_words(text: str) -> list[str]:
    """The words of a search, letters and digits only: "O'Neil, Sam" -> O, Neil, Sam."""
    return re.findall(r"[^\W_]+", text)


def search_document():
    """What PostgreSQL searches: the names word for word, the bio in English.
    Migration 0007 indexes this very expression (``leader_search``)."""
    return SearchVector("search_names", config="simple") + SearchVector("bio", config="english")


def search_leaders(queryset, text: str):
    """Leaders whose names or bio hold every word of ``text``, each word
    matching the start of a word ("sam" finds Samira), ignoring case.

    On PostgreSQL this is full-text search: bios in English, so "meetings"
    also finds "meeting"; names word for word, since some names are English
    stop words ("Will"). Elsewhere each word must begin a word of the full
    name, the name to use or the bio. Both give the same leaders for ordinary
    searches: a word, two words, a name. Both search the copy of the names
    kept on the leader (``Leader.search_names``), not the account's.
    """
    words = search_words(text)
    if not words:
        return queryset
    if connection.vendor == "postgresql":
        query = None
        for word in words:
            # Letters and digits only, so the raw query cannot be malformed.
            either = SearchQuery(f"{word}:*", search_type="raw", config="simple") | SearchQuery(
                f"{word}:*", search_type="raw", config="english"
            )
            query = either if query is None else query & either
        return queryset.alias(search=search_document()).filter(search=query)
    for word in words:
        starts_a_word = rf"\b{re.escape(word)}"
        queryset = queryset.filter(
            Q(search_names__iregex=starts_a_word) | Q(bio__iregex=starts_a_word)
        )
    return queryset


class DirectoryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search names and bios",
        method="search",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    region = django_filters.ChoiceFilter(
        field_name="local_authority__region__gss_code",
        label="Region",
        empty_label="All regions",
        error_messages={"invalid_choice": "Choose a region from the list"},
    )
    council = django_filters.ChoiceFilter(
        field_name="local_authority__gss_code",
        label="Council area",
        empty_label="All council areas",
        error_messages={"invalid_choice": "Choose a council area from the list"},
    )
    interests = django_filters.MultipleChoiceFilter(
        method="with_any_interest",
        label="What they would like to do",
        help_text="Leaders who would like to do any of the things you tick.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose from the list"},
    )
    skills = django_filters.MultipleChoiceFilter(
        method="with_any_skill",
        label="Skills",
        help_text="Leaders with any of the skills you tick.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose from the list"},
    )
    available = django_filters.MultipleChoiceFilter(
        choices=AVAILABILITY,
        method="available_for_all",
        label="Available",
        help_text="Leaders available for everything you tick.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose from the list"},
    )
    modules = django_filters.MultipleChoiceFilter(
        method="completed_all",
        label="Training completed",
        help_text="Leaders who have completed every module you tick.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose from the list"},
    )
    sort = django_filters.ChoiceFilter(
        choices=SORTS,
        method="sort_by",
        label="Sort by",
        empty_label=None,
        error_messages={"invalid_choice": "Choose how to sort from the list"},
    )

    class Meta:
        model = Leader
        fields = ["q", "region", "council", "interests", "skills", "available", "modules"]

    # Each filter's choices, from the lists the directory keeps (leaders.choices).
    CHOSEN_FROM = {
        "region": "regions",
        "council": "council_choices",
        "interests": "interests",
        "skills": "skills",
        "modules": "modules",
    }

    def __init__(self, *args, choices: DirectoryChoices | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = choices or directory_choices()
        for name, attribute in self.CHOSEN_FROM.items():
            self.filters[name].extra["choices"] = getattr(choices, attribute)

    def search(self, queryset, name, value):
        return search_leaders(queryset, value)

    def with_any_interest(self, queryset, name, interests):
        if not interests:
            return queryset
        chosen = Leader.interests.through.objects.filter(
            leader=OuterRef("pk"), interest__slug__in=interests
        )
        return queryset.filter(Exists(chosen))

    def with_any_skill(self, queryset, name, skills):
        if not skills:
            return queryset
        chosen = Leader.skills.through.objects.filter(leader=OuterRef("pk"), skill__slug__in=skills)
        return queryset.filter(Exists(chosen))

    def available_for_all(self, queryset, name, ways):
        return queryset.filter(**{f"available_{way}": True for way in ways})

    def completed_all(self, queryset, name, modules):
        for module in modules:
            completed = TrainingRecord.objects.filter(
                leader=OuterRef("pk"),
                module__slug=module,
                status=TrainingRecord.Status.COMPLETED,
            )
            queryset = queryset.filter(Exists(completed))
        return queryset

    def sort_by(self, queryset, name, value):
        if value == "recent":
            return queryset.order_by(F("last_active").desc(nulls_last=True), "sort_name", "pk")
        return queryset
