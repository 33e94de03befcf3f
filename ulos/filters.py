"""Filters for the ULO directory. Every filter lives in the address, so a
search can be bookmarked or shared."""

import django_filters
from django import forms

from ulos.models import LocalAuthority, Region, Service, Ulo


class UloFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search by name", method="search", widget=forms.TextInput(attrs={"type": "search"})
    )
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.all(),
        to_field_name="gss_code",
        method="in_region",
        label="Region",
        empty_label="All regions",
        error_messages={"invalid_choice": "Choose a region from the list"},
    )
    council = django_filters.ModelChoiceFilter(
        queryset=LocalAuthority.objects.all(),
        to_field_name="gss_code",
        field_name="local_authorities",
        label="Council area",
        empty_label="All council areas",
        error_messages={"invalid_choice": "Choose a council area from the list"},
    )
    service = django_filters.ModelChoiceFilter(
        queryset=Service.objects.all(),
        to_field_name="slug",
        field_name="services",
        label="Service offered",
        empty_label="Any service",
        error_messages={"invalid_choice": "Choose a service from the list"},
    )
    cil = django_filters.BooleanFilter(
        field_name="is_centre_for_independent_living",
        label="Only centres for independent living",
        widget=forms.CheckboxInput,
        method="only_cils",
    )

    class Meta:
        model = Ulo
        fields = ["q", "region", "council", "service", "cil"]

    def search(self, queryset, name, value):
        words = value.split()
        for word in words:
            queryset = queryset.filter(name__icontains=word)
        return queryset

    def in_region(self, queryset, name, region):
        return queryset.in_region(region.pk)

    def only_cils(self, queryset, name, value):
        return queryset.filter(is_centre_for_independent_living=True) if value else queryset
