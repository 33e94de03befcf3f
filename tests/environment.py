"""Loaded by pytest before Django (``-p tests.environment`` in pyproject.toml).

The suite runs with the developer settings (``DJANGO_DEBUG=1``: no HTTPS
redirect for the live server, no production secret needed); Django's test
runner still turns ``DEBUG`` off while tests run. Production mode is tested on
its own, in a separate process (``tests/citizenleaders/test_settings.py``).
"""

import os

os.environ.setdefault("DJANGO_DEBUG", "1")
# Playwright's sync API runs an event loop in the test thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
