"""Addresses of the events pages, all in the ``events`` namespace: the
events under ``/events/`` and a person's own bookings under ``/me/events/``."""

from django.urls import path

from events.views import bookings, calendars, public

app_name = "events"

urlpatterns = [
    path("events/", public.EventListView.as_view(), name="list"),
    path("events/past/", public.PastEventListView.as_view(), name="past"),
    path("events/feed.ics", calendars.public_feed, name="feed"),
    path("events/calendar/<str:token>.ics", calendars.private_feed, name="private_feed"),
    path("events/<slug:slug>/", public.EventDetailView.as_view(), name="detail"),
    path("events/<slug:slug>/book/", bookings.BookingView.as_view(), name="book"),
    path("events/<slug:slug>/cancel/", bookings.BookingCancelView.as_view(), name="cancel"),
    path("events/<slug:slug>/event.ics", calendars.event_calendar, name="calendar"),
    path("me/events/", bookings.MyEventsView.as_view(), name="mine"),
    path("me/events/calendar/", calendars.CalendarFeedView.as_view(), name="calendar_feed"),
]
