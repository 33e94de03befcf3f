"""Booking a place, changing what one needs, cancelling, and one's own
bookings at ``/me/events/``.

The views are thin: ``events.services`` books, changes and cancels (and
refuses what may not be done), and these pages explain. A person only ever
reaches their own booking, through ``request.user``; the event is looked up
through ``Event.objects.visible_to(user)``.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import FormView, TemplateView

from events import services
from events.forms import BookingForm
from events.models import Event, Registration
from leaders.templatetags.involvement import clock
from leaders.views.me import add_service_error

BOOKED_MESSAGE = "Your place is booked"
WAITING_MESSAGE = "You are on the waiting list – we will email you if a place comes up"
CHANGED_MESSAGE = "Your booking is updated"


def moment(value) -> str:
    """A date and time in UK time, as people write it: "Tuesday 2 March 2027 at 10am"."""
    local = timezone.localtime(value)
    return f"{local:%A} {local.day} {local:%B %Y} at {clock(local.time())}"


def booking_window(event: Event) -> str:
    """When booking opens and closes, in a sentence, until the event starts."""
    now = timezone.now()
    if event.is_cancelled or event.start <= now:
        return ""
    closes = moment(event.booking_closes_at)
    if event.booking_not_yet_open:
        return f"Booking opens on {moment(event.booking_opens)} and closes on {closes}."
    if now < event.booking_closes_at:
        return f"Booking is open until {closes}."
    return f"Booking closed on {closes}."


def booking_problem(event: Event, user) -> str | None:
    """Why ``user`` cannot book ``event`` now (``services.booking_problem``),
    with the time booking opens written as on the rest of the page."""
    problem = services.booking_problem(event, user)
    if problem is not None and event.booking_not_yet_open and problem.startswith("Booking opens"):
        return f"Booking opens on {moment(event.booking_opens)}."
    return problem


def with_queue_position(registrations):
    """Annotate each booking with ``queue_position``: its place on its
    event's waiting list, counting from 1 (meaningful only while waiting).
    Worked out by the database in the same query."""
    ahead = (
        Registration.objects.filter(event=OuterRef("event"), status=Registration.Status.WAITING)
        .filter(
            Q(waiting_since__lt=OuterRef("waiting_since"))
            | Q(waiting_since=OuterRef("waiting_since"), pk__lt=OuterRef("pk"))
        )
        .order_by()
        .values("event")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return registrations.annotate(queue_position=Coalesce(Subquery(ahead), Value(0)) + 1)


def change_problem(event: Event) -> str | None:
    """Why a booking for ``event`` can no longer be changed, or ``None``."""
    if event.is_cancelled:
        return "This event has been cancelled."
    if event.start <= timezone.now():
        return "This event has already started, so you can no longer change your booking."
    return None


def cancel_problem(event: Event) -> str | None:
    """Why a booking for ``event`` can no longer be cancelled, or ``None``."""
    if event.start <= timezone.now():
        if event.is_past:
            return "This event has finished, so there is nothing to cancel."
        return "This event has already started, so you cannot cancel your booking now."
    return None


def with_actions(registration: Registration) -> Registration:
    """Mark what the person may still do with their booking."""
    event = registration.event
    registration.may_change = registration.is_active and change_problem(event) is None
    registration.may_cancel = (
        registration.is_active and not event.is_cancelled and cancel_problem(event) is None
    )
    registration.in_calendar = (
        registration.is_confirmed and not event.is_cancelled and not event.is_past
    )
    return registration


class BookingView(LoginRequiredMixin, FormView):
    """Book a place (or a place on the waiting list), or, for someone who
    already has a booking, change what they told the organisers they need.
    When they may not, the page says why and a POST changes nothing."""

    template_name = "events/booking_form.html"
    form_class = BookingForm

    @cached_property
    def event(self):
        return get_object_or_404(
            Event.objects.visible_to(self.request.user).select_related("region", "host_council"),
            slug=self.kwargs["slug"],
        )

    @cached_property
    def registration(self):
        """The person's booking, which this page changes, or ``None``."""
        return (
            Registration.objects.active().filter(event=self.event, user=self.request.user).first()
        )

    @cached_property
    def problem(self):
        if self.registration is not None:
            return change_problem(self.event)
        return booking_problem(self.event, self.request.user)

    def get(self, request, *args, **kwargs):
        if self.problem is not None:
            return self.explain()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.problem is not None:
            messages.error(request, self.problem)
            return redirect(self.event)
        return super().post(request, *args, **kwargs)

    def explain(self):
        return self.response_class(
            request=self.request,
            template=["events/booking_unavailable.html"],
            context={
                "event": self.event,
                "registration": self.registration,
                "problem": self.problem,
            },
        )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "event": self.event}

    def get_initial(self):
        if self.registration is not None:
            return BookingForm.initial_from(self.registration)
        return {}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            event=self.event,
            registration=self.registration,
            joins_waiting_list=self.registration is None and self.event.is_full,
            **kwargs,
        )

    def form_valid(self, form):
        if self.registration is not None:
            services.registration_update(registration=self.registration, **form.needs_fields())
            messages.success(self.request, CHANGED_MESSAGE)
            return redirect(self.event)
        try:
            registration = services.registration_create(
                event=self.event, user=self.request.user, **form.needs_fields()
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request, BOOKED_MESSAGE if registration.is_confirmed else WAITING_MESSAGE
        )
        return redirect(self.event)


class BookingCancelView(LoginRequiredMixin, TemplateView):
    """Cancel one's own place or leave the waiting list: GET asks to
    confirm (or explains why it is too late), POST cancels."""

    template_name = "events/booking_cancel.html"

    @cached_property
    def registration(self):
        return get_object_or_404(
            with_queue_position(
                Registration.objects.active().filter(user=self.request.user)
            ).select_related("event"),
            event__slug=self.kwargs["slug"],
        )

    @cached_property
    def problem(self):
        return cancel_problem(self.registration.event)

    def get_context_data(self, **kwargs):
        registration = self.registration
        return super().get_context_data(
            registration=registration,
            event=registration.event,
            problem=self.problem,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        registration = self.registration
        event = registration.event
        if self.problem is not None:
            messages.error(request, self.problem)
            return redirect("events:mine")
        try:
            services.registration_cancel(registration=registration)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("events:mine")
        if registration.is_confirmed:
            messages.success(request, f"Your place at {event.title} is cancelled")
        else:
            messages.success(request, f"You have left the waiting list for {event.title}")
        return redirect("events:mine")


class MyEventsView(LoginRequiredMixin, TemplateView):
    """The person's bookings: those still to come, soonest first, then past
    ones, most recent first. One query whatever the number of bookings."""

    template_name = "events/my_events.html"

    def get_context_data(self, **kwargs):
        now = timezone.now()
        registrations = [
            with_actions(registration)
            for registration in with_queue_position(
                Registration.objects.filter(user=self.request.user)
            )
            .select_related("event__region", "event__host_council")
            .order_by("event__start", "event__pk")
        ]
        return super().get_context_data(
            upcoming=[r for r in registrations if r.event.end >= now],
            past=[r for r in registrations if r.event.end < now][::-1],
            **kwargs,
        )
