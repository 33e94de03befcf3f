"""The rules ULO records keep: funding within budget, committee-based assessments."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tests.citizenleaders.factories import UserFactory
from tests.ulos.factories import AwardFactory, FundingProgrammeFactory, UloFactory
from ulos.models import Assessment, Award, Criterion
from ulos.services import award_create, committee_assessments_update

pytestmark = pytest.mark.django_db


def test_an_award_within_the_budget_is_made():
    programme = FundingProgrammeFactory(budget=Decimal("900000.00"))
    AwardFactory(programme=programme, amount=Decimal("899000.00"))

    award = award_create(
        programme=programme,
        ulo=UloFactory(),
        amount=Decimal("1000.00"),
        awarded_on=datetime.date(2009, 1, 1),
        purpose="Peer support training",
    )

    assert award.pk is not None
    assert programme.awards.count() == 2


def test_an_award_over_the_budget_is_refused_with_what_is_left():
    programme = FundingProgrammeFactory(name="Wave 2", budget=Decimal("900000.00"))
    AwardFactory(programme=programme, amount=Decimal("899000.00"))

    with pytest.raises(ValidationError) as refused:
        award_create(
            programme=programme,
            ulo=UloFactory(),
            amount=Decimal("1000.01"),
            awarded_on=datetime.date(2009, 1, 1),
            purpose="Peer support training",
        )

    message = refused.value.messages[0]
    assert "over its budget of £900,000.00" in message
    assert "the most you can award is £1,000.00" in message
    assert programme.awards.count() == 1


def test_an_award_goes_to_a_ulo_or_a_region_never_both():
    from ulos.models import Region

    with pytest.raises(ValidationError):
        award_create(
            programme=FundingProgrammeFactory(),
            ulo=UloFactory(),
            region=Region.objects.first(),
            amount=Decimal("10.00"),
            awarded_on=datetime.date(2009, 1, 1),
            purpose="Both",
        )
    assert not Award.objects.exists()


@pytest.mark.parametrize(
    ("share", "majority", "three_quarters"),
    [(80, "met", "met"), (75, "met", "met"), (60, "met", "partly met"), (40, "not met", "not met")],
)
def test_the_committee_share_assesses_the_committee_criteria(share, majority, three_quarters):
    coordinator = UserFactory()
    ulo = UloFactory(committee_user_share=share)

    committee_assessments_update(ulo=ulo, by=coordinator)

    results = {
        assessment.criterion.title: assessment
        for assessment in Assessment.objects.filter(ulo=ulo).select_related("criterion")
    }
    assert results["Run and controlled by people who use support"].result == majority
    assert results["At least 75% of the management committee use support"].result == three_quarters
    assert all(assessment.assessed_by == coordinator for assessment in results.values())
    assert len(results) == Criterion.objects.filter(committee_share_met__isnull=False).count()


def test_a_ulo_meets_the_criteria_only_when_every_essential_one_is_met():
    from tests.ulos.factories import meet_all_criteria
    from ulos.models import Ulo

    ulo = UloFactory()
    meet_all_criteria(ulo)
    assert Ulo.objects.with_meets_criteria().get(pk=ulo.pk).meets_criteria

    optional = Criterion.objects.filter(is_essential=False).first()
    Assessment.objects.create(ulo=ulo, criterion=optional, result=Assessment.Result.NOT_MET)
    assert Ulo.objects.with_meets_criteria().get(pk=ulo.pk).meets_criteria

    essential = Criterion.objects.filter(is_essential=True).first()
    Assessment.objects.filter(ulo=ulo, criterion=essential).update(
        result=Assessment.Result.PARTLY_MET
    )
    assert not Ulo.objects.with_meets_criteria().get(pk=ulo.pk).meets_criteria
