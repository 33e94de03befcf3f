"""Print the current two-factor code for the demo staff accounts."""

import os

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.totp.internal.auth import yield_hotp_counters_from_time as counters
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from citizenleaders.demo import DEFAULT_TOTP_SECRET


class Command(BaseCommand):
    help = "Print the two-factor code the demo staff accounts accept now. Debug mode only."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("demo_code is for demo accounts only. Set DJANGO_DEBUG=1.")
        secret = (os.environ.get("DEMO_TOTP_SECRET") or DEFAULT_TOTP_SECRET).replace(" ", "")
        now = sorted(counters())[len(list(counters())) // 2]
        self.stdout.write(format_hotp_value(hotp_value(secret.upper(), now)))
