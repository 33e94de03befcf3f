"""Email each person with a confirmed place a reminder two days before their
event, and each event's organisers a summary of the access requirements to
prepare for (``events.services.reminders_send``).

Run it once a day, from cron or the platform's scheduler, for example at
9am UK time::

    0 9 * * *  cd /srv/citizenleaders && .venv/bin/python manage.py send_event_reminders

Each email goes once only, however often it runs, so running it again (or
more often) never sends anything twice; a day it misses is caught up the
next day, for events that have not yet started.
"""

from django.core.management.base import BaseCommand

from events.services import reminders_send


def counted(number: int, singular: str, plural: str) -> str:
    return f"{number} {singular if number == 1 else plural}"


class Command(BaseCommand):
    help = (
        "Email each person with a confirmed place a reminder two days before their event, "
        "and each event's organisers (or, when it has none, the region's coordinators) a "
        "summary of the access requirements to prepare for. Run it daily, from cron or the "
        "platform's scheduler: each email goes once only, however often it runs."
    )

    def handle(self, *args, **options):
        reminders, summaries = reminders_send()
        self.stdout.write(
            f"Sent {counted(reminders, 'reminder', 'reminders')} and "
            f"{counted(summaries, 'organiser summary', 'organiser summaries')}."
        )
