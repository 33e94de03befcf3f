"""Finding an event: the upcoming events, the archive of past ones, and an
event's own page.

Every event is looked up through ``Event.objects.visible_to(user)``: a
draft, or an event whose audience leaves the person out, is not found. The
lists run the same number of queries however many events they show.
"""

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.views.generic import DetailView, ListView

from citizenleaders import roles
from events.filters import EventFilter, PastEventFilter
from events.models import Event, Registration
from events.views.bookings import booking_problem, booking_window, with_actions, with_queue_position
from ulos.views import PageNumberMixin


class EventListView(PageNumberMixin, ListView):
    """Upcoming events, soonest first. Cancelled ones stay, marked as such,
    so nobody who planned to go wonders where they went."""

    template_name = "events/event_list.html"
    context_object_name = "events"
    filterset_class = EventFilter

    def events(self):
        return Event.objects.visible_to(self.request.user).upcoming().order_by("start", "pk")

    def get_queryset(self):
        events = self.events().select_related("region", "host_council")
        user = self.request.user
        if user.is_authenticated:
            # The person's own booking, if any, in the same query.
            mine = Registration.objects.filter(event=OuterRef("pk"), user=user)
            events = events.annotate(my_booking=Subquery(mine.values("status")[:1]))
        self.filterset = self.filterset_class(self.request.GET or None, queryset=events)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = self.filterset.form
        context["form"] = form
        # Listed once here: one query for the regions, rather than one per use.
        context["region_choices"] = list(iter(form.fields["region"].choices))
        context["kind_choices"] = list(form.fields["kind"].choices)
        context["month_choices"] = list(form.fields["month"].choices)
        context["where_choices"] = list(form.fields["where"].choices)
        context["is_filtered"] = any(
            value for key, value in self.request.GET.items() if key != "page"
        )
        context["now"] = timezone.now()
        return context


class PastEventListView(EventListView):
    """The archive: events that have ended, most recent first."""

    template_name = "events/past_event_list.html"
    filterset_class = PastEventFilter

    def events(self):
        return Event.objects.visible_to(self.request.user).past().order_by("-start", "-pk")


def sees_joining_link(user, event: Event, registration: Registration | None) -> bool:
    """People with a confirmed place, the event's staff organisers and the
    coordinators whose scope it is in."""
    if registration is not None and registration.is_confirmed:
        return True
    if not user.is_authenticated:
        return False
    if roles.is_coordinator(user) and Event.objects.managed_by(user).filter(pk=event.pk).exists():
        return True
    return event.organisers.filter(pk=user.pk).exists()


class EventDetailView(DetailView):
    template_name = "events/event_detail.html"
    context_object_name = "event"

    def get_queryset(self):
        return Event.objects.visible_to(self.request.user).select_related(
            "region", "host_council", "host_ulo"
        )

    def get_context_data(self, **kwargs):
        event = self.object
        user = self.request.user
        registration = None
        if user.is_authenticated:
            registration = with_queue_position(
                Registration.objects.filter(event=event, user=user)
            ).first()
        if registration is not None:
            registration.event = event
            with_actions(registration)
        has_booking = registration is not None and registration.is_active
        problem = None if has_booking else booking_problem(event, user)
        login_url = f"{reverse('account_login')}?next={event.get_absolute_url()}"
        return super().get_context_data(
            registration=registration,
            has_booking=has_booking,
            booking_problem=problem,
            may_book=user.is_authenticated and not has_booking and problem is None,
            login_url=login_url,
            shows_joining_link=(
                event.online
                and not event.is_cancelled
                and sees_joining_link(user, event, registration)
            ),
            booking_window=booking_window(event),
            started=event.start <= timezone.now(),
            **kwargs,
        )
