"""Create or reset demo data with one login for every role."""

import base64
import binascii
import os
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from citizenleaders.demo import ACCOUNTS, DEFAULT_PASSWORD, DEFAULT_TOTP_SECRET, seed_demo
from citizenleaders.models import User
from citizenleaders.scale import seed_scale


class Command(BaseCommand):
    help = (
        "Create or reset demo accounts, one for every role, with the password in "
        "$DEMO_PASSWORD and the two-factor secret in $DEMO_TOTP_SECRET (base32). "
        "Runs only with DJANGO_DEBUG on."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=int,
            metavar="N",
            help=(
                "After the demo accounts, replace the made-up national programme with one "
                "for N leaders (about 10 N activities, N / 5 events, 5 N bookings, N / 10 "
                "ULOs), to measure the portal at scale."
            ),
        )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo creates accounts with a published password, so it runs only "
                "on a developer's machine. Set DJANGO_DEBUG=1 to use it."
            )
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD
        secret = (os.environ.get("DEMO_TOTP_SECRET") or DEFAULT_TOTP_SECRET).replace(" ", "")
        try:
            base64.b32decode(secret.upper(), casefold=True)
        except (binascii.Error, ValueError) as error:
            raise CommandError(
                "DEMO_TOTP_SECRET must be base32 (letters A–Z and digits 2–7)."
            ) from error

        if options["scale"] is not None and options["scale"] < 1:
            raise CommandError("--scale needs a number of leaders of at least 1.")
        accounts = seed_demo(password=password, totp_secret=secret.upper())
        if options["scale"]:
            started = time.monotonic()
            national = User.objects.get(email=ACCOUNTS[0].email)
            counts = seed_scale(leaders=options["scale"], by=national)
            made = ", ".join(f"{count:,} {what}" for what, count in counts.items())
            self.stdout.write(
                f"Made up a national programme in {time.monotonic() - started:.1f} s: {made}."
            )
        self.stdout.write(
            self.style.SUCCESS("Demo data is ready. Log in at /accounts/login/ with:")
        )
        width = max(len(account.email) for account in accounts)
        for account in accounts:
            self.stdout.write(f"  {account.email.ljust(width)}  {account.role}")
        self.stdout.write(f"Password for every demo account: {password}")
        self.stdout.write(
            "Two-factor secret for the staff accounts (add it to an authenticator app, or "
            f"print today's code with `manage.py demo_code`): {secret.upper()}"
        )
