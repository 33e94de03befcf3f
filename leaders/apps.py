from django.apps import AppConfig


class LeadersConfig(AppConfig):
    name = "leaders"
    verbose_name = "Citizen Leaders journey"

    def ready(self):
        from django.conf import settings
        from django.db.models.signals import post_delete, post_save

        from leaders import signals
        from leaders.choices import forget_directory_choices

        post_save.connect(
            signals.refresh_leader_names,
            sender=settings.AUTH_USER_MODEL,
            dispatch_uid="leaders.refresh_leader_names",
        )
        # What the directory's lists to choose from are read from.
        listed = [
            "ulos.Region",
            "ulos.LocalAuthority",
            "leaders.Interest",
            "leaders.Skill",
            "leaders.Module",
        ]
        for model in listed:
            for signal in (post_save, post_delete):
                signal.connect(
                    forget_directory_choices,
                    sender=model,
                    dispatch_uid=f"leaders.forget_directory_choices.{model}",
                )
