from django.apps import AppConfig


class UlosConfig(AppConfig):
    name = "ulos"
    verbose_name = "Places and user-led organisations"

    def ready(self):
        from ulos import signals

        signals.connect()
