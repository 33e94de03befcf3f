from django.apps import AppConfig


class LeadersConfig(AppConfig):
    name = "leaders"
    verbose_name = "Citizen Leaders journey"

    def ready(self):
        from django.conf import settings
        from django.db.models.signals import post_save

        from leaders import signals

        post_save.connect(
            signals.refresh_leader_names,
            sender=settings.AUTH_USER_MODEL,
            dispatch_uid="leaders.refresh_leader_names",
        )
