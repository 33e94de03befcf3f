"""Erase declined and withdrawn applications once they are older than the
retention period: ``APPLICATION_RETENTION_DAYS`` (365 unless set), or
``--days``. Run it daily, from cron or the platform's scheduler."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from leaders.services.participation import application_erase_expired


class Command(BaseCommand):
    help = (
        "Delete declined and withdrawn applications, with their history, decided more "
        "than APPLICATION_RETENTION_DAYS days ago."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            help="Keep applications for this many days instead of APPLICATION_RETENTION_DAYS.",
        )

    def handle(self, *args, days=None, **options):
        days = settings.APPLICATION_RETENTION_DAYS if days is None else days
        if days < 0:
            raise CommandError("The retention period cannot be negative.")
        erased = application_erase_expired(older_than_days=days)
        noun = "application" if erased == 1 else "applications"
        self.stdout.write(
            f"Erased {erased} declined or withdrawn {noun} decided more than {days} days ago."
        )
