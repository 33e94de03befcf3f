"""Send the emails in the outbox that are due: those not sent straight away
and failures whose wait before the next try is over (5 minutes, then twice
as long each time, up to 6 hours; after ``OUTBOX_MAX_ATTEMPTS`` tries, 10, an
email is given up and stays "failed" with its error, for a coordinator to see
and send again from the back office). Then delete emails sent, or given up,
more than ``OUTBOX_RETENTION_DAYS`` (90) days ago.

Run it every few minutes, from cron or the platform's scheduler::

    */5 * * * *  cd /srv/citizenleaders && .venv/bin/python manage.py send_queued_emails

It is safe to run as often as you like, and two runs at once never send the
same email twice: each run claims an email before sending it.
"""

from django.core.management.base import BaseCommand

from citizenleaders import outbox


def counted(number: int, singular: str, plural: str) -> str:
    return f"{number} {singular if number == 1 else plural}"


class Command(BaseCommand):
    help = (
        "Send the outbox's emails that are due (new ones, and failures whose wait is over), "
        "then delete those sent more than OUTBOX_RETENTION_DAYS days ago. Run it every few "
        "minutes: two runs at once never send the same email twice."
    )

    def handle(self, *args, **options):
        totals = {"sent": 0, "failed": 0, "given_up": 0}
        while True:
            results = outbox.send_due()
            for key, value in results.items():
                totals[key] += value
            # A failure waits at least 5 minutes before it is due again, so
            # this ends once every email due now has been tried once.
            if not any(results.values()):
                break
        deleted = outbox.delete_old()
        self.stdout.write(
            f"Sent {counted(totals['sent'], 'email', 'emails')}. "
            f"{counted(totals['failed'], 'email', 'emails')} could not be sent and will be "
            f"tried again; {totals['given_up']} given up after the last try. "
            f"Deleted {counted(deleted, 'old email', 'old emails')} from the outbox."
        )
