"""Stub."""

from django.http import HttpResponse
from django.views.generic import TemplateView


def public_feed(request):
    return HttpResponse()


private_feed = event_calendar = public_feed
CalendarFeedView = TemplateView
