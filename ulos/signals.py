"""Keep the coverage figures (``ulos.selectors.coverage``) and the ULO
directory's pages true: forget the ones in the cache whenever something they
are worked out from changes.

Coverage depends on the ULOs (whether published, their stage), the councils
each serves (from either side of the many-to-many), the assessments and
criteria that decide whether a ULO meets the criteria, the councils
themselves (name, region, strategy, reorganisations) and the regions; the
directory on the services ULOs offer too. Any save or delete of those, and
any change to the councils or services of a ULO or to a council's
successors, clears both. Writes that send no signals clear it
themselves (see ``coverage_cache_clear``).

Connected in ``UlosConfig.ready``.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from ulos.models import Assessment, Criterion, LocalAuthority, Region, Service, Ulo
from ulos.selectors import coverage_cache_clear

COVERAGE_MODELS = (Ulo, Assessment, Criterion, LocalAuthority, Region, Service)
COVERAGE_LINKS = (
    Ulo.local_authorities.through,
    Ulo.services.through,
    LocalAuthority.successors.through,
)
# m2m_changed is sent before and after; the "post_" ones follow the change.
CHANGED_LINKS = {"post_add", "post_remove", "post_clear"}


def coverage_changed(sender, **kwargs):
    coverage_cache_clear()


def coverage_links_changed(sender, action, **kwargs):
    if action in CHANGED_LINKS:
        coverage_cache_clear()


def connect():
    for model in COVERAGE_MODELS:
        for name, signal in (("saved", post_save), ("deleted", post_delete)):
            signal.connect(
                coverage_changed,
                sender=model,
                dispatch_uid=f"ulos.coverage_changed.{model.__name__}.{name}",
            )
    for through in COVERAGE_LINKS:
        m2m_changed.connect(
            coverage_links_changed,
            sender=through,
            dispatch_uid=f"ulos.coverage_links_changed.{through.__name__}",
        )
