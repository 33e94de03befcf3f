"""Filters for the directory of Citizen Leaders. Every filter lives in the
address, so a search can be bookmarked or shared, and the form works
without JavaScript."""

import re

import django_filters
from django import forms
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q

from leaders.models import Interest, Leader, Module, Skill, TrainingRecord
from ulos.models import LocalAuthority, Region

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


def search_leaders(queryset, text: str):
    """Leaders whose names or bio hold every word of ``text``, each word
    matching the start of a word ("sam" finds Samira), ignoring case.

    On PostgreSQL this is full-text search: bios in English, so "meetings"
    also finds "meeting"; names word for word, since some names are English
    stop words ("Will"). Elsewhere each word must begin a word of the full
    name, the name to use or the bio. Both give the same leaders for ordinary
    searches: a word, two words, a name.
    """
    words = search_words(text)
    if not words:
        return queryset
    if connection.vendor == "postgresql":
        vector = SearchVector("user__full_name", "preferred_name", config="simple") + SearchVector(
            "bio", config="english"
        )
        query = None
        for word in words:
            # Letters and digits only, so the raw query cannot be malformed.
            either = SearchQuery(f"{word}:*", search_type="raw", config="simple") | SearchQuery(
                f"{word}:*", search_type="raw", config="english"
            )
            query = either if query is None else query & either
        return queryset.alias(search=vector).filter(search=query)
    for word in words:
        starts_a_word = rf"\b{re.escape(word)}"
        queryset = queryset.filter(
            Q(user__full_name__iregex=starts_a_word)
            | Q(preferred_name__iregex=starts_a_word)
            | Q(bio__iregex=starts_a_word)
        )
    return queryset


class DirectoryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search names and bios",
        method="search",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.all(),
        to_field_name="gss_code",
        field_name="local_authority__region",
        label="Region",
        empty_label="All regions",
        error_messages={"invalid_choice": "Choose a region from the list"},
    )
    council = django_filters.ModelChoiceFilter(
        queryset=LocalAuthority.objects.all(),
        to_field_name="gss_code",
        field_name="local_authority",
        label="Council area",
        empty_label="All council areas",
        error_messages={"invalid_choice": "Choose a council area from the list"},
    )
    interests = django_filters.ModelMultipleChoiceFilter(
        queryset=Interest.objects.all(),
        to_field_name="slug",
        method="with_any_interest",
        label="What they would like to do",
        help_text="Leaders who would like to do any of the things you tick.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose from the list"},
    )
    skills = django_filters.ModelMultipleChoiceFilter(
        queryset=Skill.objects.all(),
        to_field_name="slug",
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
    modules = django_filters.ModelMultipleChoiceFilter(
        queryset=Module.objects.all(),
        to_field_name="slug",
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

    def search(self, queryset, name, value):
        return search_leaders(queryset, value)

    def with_any_interest(self, queryset, name, interests):
        if not interests:
            return queryset
        chosen = Leader.interests.through.objects.filter(
            leader=OuterRef("pk"), interest__in=interests
        )
        return queryset.filter(Exists(chosen))

    def with_any_skill(self, queryset, name, skills):
        if not skills:
            return queryset
        chosen = Leader.skills.through.objects.filter(leader=OuterRef("pk"), skill__in=skills)
        return queryset.filter(Exists(chosen))

    def available_for_all(self, queryset, name, ways):
        return queryset.filter(**{f"available_{way}": True for way in ways})

    def completed_all(self, queryset, name, modules):
        for module in modules:
            completed = TrainingRecord.objects.filter(
                leader=OuterRef("pk"), module=module, status=TrainingRecord.Status.COMPLETED
            )
            queryset = queryset.filter(Exists(completed))
        return queryset

    def sort_by(self, queryset, name, value):
        if value == "recent":
            return queryset.order_by(F("last_active").desc(nulls_last=True), "sort_name", "pk")
        return queryset
