"""The audit history: who changed what, and when, on the records coordinators
are accountable for (applications, leaders, training, activities, bookings,
ULOs and awards).

django-simple-history keeps a copy of a record each time it is saved, with
the person who saved it (``HistoryRequestMiddleware`` tells it who is making
the request, on the site as in the back office; a management command records
nobody). The copies hold whatever the record held, private fields included:
only coordinators see them (``citizenleaders.admin_site.ScopedHistoryAdmin``),
and erasing a person's data erases their copies too (``history_erase``).

A write that bypasses ``save()`` (``QuerySet.update()``, ``bulk_create()``)
leaves no copy: where a coordinator would miss the change, write the copies
with ``simple_history.utils.bulk_create_with_history`` or save per record.
"""

from simple_history.models import HistoricalRecords


def audit_history(**options) -> HistoricalRecords:
    """The history of a model. ``updated_at`` changes on every save, and the
    copy's own date says when, so it is left out."""
    options.setdefault("excluded_fields", ["updated_at"])
    return HistoricalRecords(**options)


def history_erase(model, **filters) -> int:
    """Delete the historical copies of ``model``'s records matching
    ``filters`` (fields of the model, as the copies hold them: ``id``,
    ``leader_id``), so nothing of what they once said is kept. Returns how
    many were deleted."""
    deleted, _ = model.history.model.objects.filter(**filters).delete()
    return deleted


def history_restart(queryset, *, reason: str) -> None:
    """Replace every version of the records in ``queryset`` with one: the
    record as it is now, saying why (``reason``). For records just
    anonymised, whose earlier versions still say who the person was."""
    model = queryset.model
    records = list(queryset)
    history_erase(model, **{f"{model._meta.pk.attname}__in": [obj.pk for obj in records]})
    model.history.bulk_history_create(records, update=True, default_change_reason=reason)
