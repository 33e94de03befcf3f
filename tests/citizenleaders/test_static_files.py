"""The committed stylesheet and scripts, as WhiteNoise serves them in production."""

import re
from pathlib import Path

from django.core.management import call_command
from django.test import override_settings

STATIC = Path(__file__).resolve().parents[2] / "static"


def test_collectstatic_gives_hashed_compressed_files(tmp_path):
    with override_settings(
        STATIC_ROOT=tmp_path,
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "citizenleaders.storage.StaticFilesStorage"},
        },
    ):
        call_command("collectstatic", interactive=False, verbosity=0)

    stylesheets = list(tmp_path.glob("css/site.*.css"))
    assert len(stylesheets) == 1
    assert Path(f"{stylesheets[0]}.gz").exists()
    site_js = next(tmp_path.glob("js/site.*.js")).read_text()
    # The module import points at the hashed file, so browsers can cache it for a year.
    imported = re.search(r'from\s*"([^"]+)"', site_js).group(1)
    assert re.search(r"govuk-frontend\.min\.[0-9a-f]{12}\.js$", imported)
    assert not list(tmp_path.rglob("*.scss"))  # the Sass sources are not published


def test_stylesheet_uses_the_portals_own_brand_not_govuks():
    css = (STATIC / "css" / "site.css").read_text()

    assert "@font-face" not in css
    assert "GDS Transport" not in css
    assert "system-ui" in css
    assert "#005a5a" in css.lower()
