"""Stub."""

from django.views.generic import TemplateView

EventListView = PastEventListView = EventDetailView = TemplateView
