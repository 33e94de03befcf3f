"""Calendar files and feeds: one event's ``.ics``, the public feed of events
(for England or one region), a person's private feed of their bookings, and
the page where they find (and renew) its secret address.

The private feed is reached by its secret address alone, because calendar
apps cannot log in. So it is never stored by a shared cache, and a renewed
address, or one whose owner's account is closed, is simply not found.
"""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.decorators import method_decorator
from django.utils.http import content_disposition_header
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from citizenleaders.mail import absolute_url
from events.calendars import calendar_of_bookings, calendar_of_event, calendar_of_public_events
from events.models import CalendarFeed, Event, Registration, new_calendar_token
from ulos.models import Region

CONTENT_TYPE = "text/calendar; charset=utf-8"
# The public feed keeps events that ended recently, so a calendar that
# subscribes to it does not lose last week's meeting.
PUBLIC_FEED_KEEPS = timedelta(days=30)
PUBLIC_FEED_CACHE_SECONDS = 15 * 60
RENEWED_MESSAGE = (
    "You have a new calendar address. The old one no longer works: add the new one "
    "to your calendar app"
)


def calendar_response(calendar, *, filename: str | None = None, private: bool) -> HttpResponse:
    response = HttpResponse(calendar.to_ical(), content_type=CONTENT_TYPE)
    if filename:
        response["Content-Disposition"] = content_disposition_header(True, filename)
    if private:
        patch_cache_control(response, private=True, no_store=True)
        response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_safe
def event_calendar(request, slug):
    """One event, for someone who may see it. With their joining link when
    they have a confirmed place, so never kept by a shared cache."""
    event = get_object_or_404(Event.objects.visible_to(request.user), slug=slug)
    registration = None
    if request.user.is_authenticated:
        registration = Registration.objects.active().filter(event=event, user=request.user).first()
    return calendar_response(
        calendar_of_event(event, registration=registration),
        filename=f"{event.slug}.ics",
        private=True,
    )


@require_safe
@cache_control(public=True, max_age=PUBLIC_FEED_CACHE_SECONDS)
def public_feed(request):
    """Published events open to anyone, coming up or ended in the last 30
    days, for England or, with ``?region=<GSS code>``, one region. Cancelled
    ones stay, marked cancelled, so calendars that have them update."""
    region = None
    if code := request.GET.get("region"):
        region = get_object_or_404(Region, gss_code=code)
    events = Event.objects.listed().filter(
        audience=Event.Audience.PUBLIC, end__gte=timezone.now() - PUBLIC_FEED_KEEPS
    )
    if region is not None:
        events = events.filter(region=region)
    return calendar_response(
        calendar_of_public_events(events.order_by("start", "pk"), region=region),
        private=False,
    )


@require_safe
def private_feed(request, token):
    """The bookings of the person whose secret address this is: places and
    waiting-list places, with joining links where they have a place."""
    feed = get_object_or_404(
        CalendarFeed.objects.select_related("user"), token=token, user__is_active=True
    )
    registrations = (
        Registration.objects.active()
        .filter(user=feed.user, event__in=Event.objects.listed())
        .select_related("event")
        .order_by("event__start", "event__pk")
    )
    return calendar_response(calendar_of_bookings(registrations, user=feed.user), private=True)


@method_decorator(never_cache, name="dispatch")
class CalendarFeedView(LoginRequiredMixin, TemplateView):
    """Where a person finds the secret address of their feed, and gets a new
    one. Their address is made on their first visit: it only ever shows on
    this page, to them, so making it does no harm, and it saves them a step."""

    template_name = "events/calendar_feed.html"

    def get_context_data(self, **kwargs):
        feed, _ = CalendarFeed.objects.get_or_create(user=self.request.user)
        return super().get_context_data(
            feed_url=absolute_url(feed.get_absolute_url()),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        """A new address; the old one stops working at once."""
        feed, created = CalendarFeed.objects.get_or_create(user=request.user)
        if not created:
            feed.token = new_calendar_token()
            feed.save(update_fields=["token", "updated_at"])
        messages.success(request, RENEWED_MESSAGE)
        return redirect("events:calendar_feed")
