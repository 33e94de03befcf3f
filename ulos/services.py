"""Writes that keep the ULO records' rules: funding within budget, and
assessments that follow a ULO's management committee."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from ulos.models import Assessment, Award, Criterion, FundingProgramme, LocalAuthority, Ulo


def programme_awarded(
    programme: FundingProgramme, *, excluding: list[int] | None = None
) -> Decimal:
    """The total already awarded from a programme, leaving out some awards
    (the ones being changed)."""
    awards = Award.objects.filter(programme=programme)
    if excluding:
        awards = awards.exclude(pk__in=excluding)
    return awards.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")


def programme_check_budget(
    programme: FundingProgramme, *, adding: Decimal, excluding: list[int] | None = None
) -> None:
    """Refuse awards that would take the programme over its budget.

    Locks the programme's row (on PostgreSQL) until the surrounding
    transaction ends, so two awards made at the same moment cannot both
    squeeze under the budget."""
    FundingProgramme.objects.select_for_update().filter(pk=programme.pk).first()
    awarded = programme_awarded(programme, excluding=excluding)
    left = programme.budget - awarded
    if adding > left:
        raise ValidationError(
            f"This would take {programme.name} over its budget of £{programme.budget:,.2f}. "
            f"£{awarded:,.2f} is already awarded, "
            f"so the most you can award is £{max(left, 0):,.2f}.",
            code="over_budget",
        )


@transaction.atomic
def award_create(
    *,
    programme: FundingProgramme,
    amount: Decimal,
    awarded_on,
    purpose: str,
    ulo: Ulo | None = None,
    region=None,
) -> Award:
    award = Award(
        programme=programme,
        ulo=ulo,
        region=region,
        amount=amount,
        awarded_on=awarded_on,
        purpose=purpose,
    )
    award.full_clean()
    programme_check_budget(programme, adding=amount)
    award.save()
    return award


def committee_assessments_update(*, ulo: Ulo, by=None) -> None:
    """Assess the criteria that follow the management committee share.

    Called whenever a ULO is saved; a ULO whose share is not known keeps the
    assessments it has."""
    if ulo.committee_user_share is None:
        return
    share = ulo.committee_user_share
    for criterion in Criterion.objects.filter(committee_share_met__isnull=False):
        result = criterion.result_for_committee_share(share)
        existing = Assessment.objects.filter(ulo=ulo, criterion=criterion).first()
        if existing and existing.result == result:
            continue
        evidence = f"Worked out from the management committee share: {share}% use support."
        Assessment.objects.update_or_create(
            ulo=ulo,
            criterion=criterion,
            defaults={
                "result": result,
                "assessed_on": timezone.localdate(),
                "assessed_by": by,
                "evidence": evidence,
            },
        )


# The fields of a council that say who its adult social care lead is.
COUNCIL_CONTACT_FIELDS = ("care_lead_name", "care_lead_role", "care_lead_email", "care_lead_phone")


@transaction.atomic
def council_contacts_update(
    *, changes: list[tuple[LocalAuthority, dict[str, str]]], by=None
) -> list[LocalAuthority]:
    """Set the adult social care lead's details of several councils at once
    (an import): every council is checked before any is saved, so a bad value
    saves none of them. Only the contact fields change."""
    for council, values in changes:
        unknown = set(values) - set(COUNCIL_CONTACT_FIELDS)
        if unknown:
            raise ValueError(f"Not contact fields: {', '.join(sorted(unknown))}")
        for name, value in values.items():
            setattr(council, name, value)
        council.full_clean()
    for council, values in changes:
        council.save(update_fields=[*values, "updated_at"])
    return [council for council, _ in changes]
