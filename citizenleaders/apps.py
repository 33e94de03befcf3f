from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.contrib.staticfiles import apps as staticfiles_apps


class CitizenLeadersConfig(AppConfig):
    default = True
    name = "citizenleaders"
    verbose_name = "Citizen Leaders"


class CitizenLeadersAdminConfig(admin_apps.AdminConfig):
    """The Django admin, with the portal's own site: role-based access and the
    site-wide login (rate limits and two-factor apply)."""

    default = False
    default_site = "citizenleaders.admin_site.CitizenLeadersAdminSite"


class CitizenLeadersStaticFilesConfig(staticfiles_apps.StaticFilesConfig):
    """Static files, leaving out the front-end build's sources."""

    ignore_patterns = [*staticfiles_apps.StaticFilesConfig.ignore_patterns, "scss", "*.mjs"]
