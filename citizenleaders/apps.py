from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.contrib.staticfiles import apps as staticfiles_apps


class CitizenLeadersConfig(AppConfig):
    default = True
    name = "citizenleaders"
    verbose_name = "Citizen Leaders"

    def ready(self):
        from allauth.account.signals import email_confirmed
        from django.contrib.auth.signals import user_logged_in

        from citizenleaders import signals

        email_confirmed.connect(
            signals.take_up_invitation_on_email_confirmed,
            dispatch_uid="citizenleaders.take_up_invitation_on_email_confirmed",
        )
        user_logged_in.connect(
            signals.take_up_invitation_on_login,
            dispatch_uid="citizenleaders.take_up_invitation_on_login",
        )


class CitizenLeadersAdminConfig(admin_apps.AdminConfig):
    """The Django admin, with the portal's own site: role-based access and the
    site-wide login (rate limits and two-factor apply)."""

    default = False
    default_site = "citizenleaders.admin_site.CitizenLeadersAdminSite"


class CitizenLeadersStaticFilesConfig(staticfiles_apps.StaticFilesConfig):
    """Static files, leaving out the front-end build's sources."""

    ignore_patterns = [*staticfiles_apps.StaticFilesConfig.ignore_patterns, "scss", "*.mjs"]
