"""Keeps what the leaders app copies from a person's account up to date.

Connected in ``LeadersConfig.ready``.
"""

from leaders.models import Leader


def refresh_leader_names(sender, instance, update_fields=None, **kwargs):
    """A change to someone's full name reaches the directory's copy of it."""
    if update_fields is None or "full_name" in update_fields:
        Leader.objects.filter(user_id=instance.pk).refresh_names()
