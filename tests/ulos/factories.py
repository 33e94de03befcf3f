import datetime
from decimal import Decimal

import factory

from tests.leaders.factories import council
from ulos.models import Assessment, Award, Criterion, FundingProgramme, Stage, Ulo


class UloFactory(factory.django.DjangoModelFactory):
    """A published ULO serving Leeds unless told otherwise:
    ``UloFactory(councils=[council("E08000032")])``."""

    class Meta:
        model = Ulo
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Demo User-Led Organisation {n}")
    slug = factory.Sequence(lambda n: f"demo-ulo-{n}")
    description = "A user-led organisation run by disabled people and carers."
    stage = Stage.ESTABLISHED
    is_published = True

    @factory.post_generation
    def councils(self, create, extracted, **kwargs):
        if create:
            self.local_authorities.set(extracted if extracted is not None else [council()])


def meet_all_criteria(ulo, *, essential_only=True):
    """Assess a ULO as meeting every (essential) criterion."""
    criteria = Criterion.objects.all()
    if essential_only:
        criteria = criteria.filter(is_essential=True)
    for criterion in criteria:
        Assessment.objects.update_or_create(
            ulo=ulo, criterion=criterion, defaults={"result": Assessment.Result.MET}
        )


class FundingProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingProgramme

    name = factory.Sequence(lambda n: f"ULO development fund wave {n}")
    slug = factory.Sequence(lambda n: f"ulo-development-fund-wave-{n}")
    financial_year = "2008/09"
    budget = Decimal("750000.00")


class AwardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Award

    programme = factory.SubFactory(FundingProgrammeFactory)
    ulo = factory.SubFactory(UloFactory)
    amount = Decimal("25000.00")
    awarded_on = datetime.date(2008, 10, 1)
    purpose = "To set up peer support groups."
