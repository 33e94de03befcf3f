"""Places and partner organisations.

The 9 English regions and the 153 councils with adult social services
responsibilities (loaded from the ONS list), the user-led organisations (ULOs)
that serve their areas, the criteria a ULO is assessed against, and the
funding programmes that paid for their development.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from citizenleaders import roles
from citizenleaders.history import audit_history
from citizenleaders.models import ChoiceItem, TimeStampedModel


class Region(models.Model):
    gss_code = models.CharField("GSS code", max_length=9, unique=True)
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["gss_code"]

    def __str__(self):
        return self.name


class UloStrategy(models.TextChoices):
    """Where a council has no ULO: its plan to foster one."""

    NONE = "none", "No strategy"
    IN_DEVELOPMENT = "in development", "Strategy in development"
    ADOPTED = "adopted", "Strategy adopted"


class LocalAuthorityQuerySet(models.QuerySet):
    def in_scope_of(self, user):
        """The councils whose records a coordinator may change: their region's."""
        return roles.filter_by_region(self, user, "region")

    def current(self):
        """Councils that have not been ended by a reorganisation."""
        today = timezone.localdate()
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))


class LocalAuthority(TimeStampedModel):
    """A council with adult social services responsibilities (ONS list)."""

    class Type(models.TextChoices):
        COUNTY = "county", "County council"
        UNITARY = "unitary", "Unitary authority"
        METROPOLITAN_DISTRICT = "metropolitan district", "Metropolitan district"
        LONDON_BOROUGH = "London borough", "London borough"
        CITY_OF_LONDON = "City of London", "City of London"
        ISLES_OF_SCILLY = "Isles of Scilly", "Isles of Scilly"

    gss_code = models.CharField(
        "GSS code",
        max_length=9,
        unique=True,
        help_text="The ONS code, such as E08000035. It is the council's address on this site.",
    )
    name = models.CharField(max_length=100)
    authority_type = models.CharField("type", max_length=32, choices=Type.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="local_authorities")

    is_partner = models.BooleanField("partner of the programme", default=False)
    partner_since = models.DateField("partner since", null=True, blank=True)

    care_lead_name = models.CharField("adult social care lead", max_length=200, blank=True)
    care_lead_role = models.CharField("lead's job title", max_length=200, blank=True)
    care_lead_email = models.EmailField("lead's email", blank=True)
    care_lead_phone = models.CharField("lead's phone", max_length=40, blank=True)

    ulo_strategy = models.CharField(
        "strategy to develop a ULO",
        max_length=20,
        choices=UloStrategy.choices,
        default=UloStrategy.NONE,
        help_text="Where no ULO serves the area: the council's plan to foster one.",
    )
    ulo_strategy_date = models.DateField("strategy date", null=True, blank=True)
    ulo_strategy_notes = models.TextField("strategy notes", blank=True)

    ended_on = models.DateField(
        "ended on",
        null=True,
        blank=True,
        help_text="When a reorganisation ended this council. Its records are kept.",
    )
    successors = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="predecessors",
        help_text="The councils that took over its area.",
    )

    objects = LocalAuthorityQuerySet.as_manager()

    class Meta:
        verbose_name = "council"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_partner=True) | Q(partner_since__isnull=True),
                name="ulos_partner_since_only_for_partners",
                violation_error_message="Only a partner council has a 'partner since' date.",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("authorities:detail", kwargs={"gss_code": self.gss_code})

    @property
    def has_ended(self):
        return self.ended_on is not None and self.ended_on <= timezone.localdate()


class Service(ChoiceItem):
    """A kind of support a ULO offers. Coordinators can add more."""


class Stage(models.TextChoices):
    """A ULO's stage of development, from least to most developed."""

    EMERGING = "emerging", "Emerging"
    ESTABLISHED = "established", "Established"
    NETWORKED = "networked", "Established and networked"

    @classmethod
    def rank(cls, value):
        return [choice.value for choice in cls].index(value) if value else -1


class LegalForm(models.TextChoices):
    CHARITY = "charity", "Registered charity"
    CIO = "cio", "Charitable incorporated organisation"
    COMPANY = "company", "Company limited by guarantee"
    CIC = "cic", "Community interest company"
    SOCIETY = "society", "Co-operative or community benefit society"
    UNINCORPORATED = "unincorporated", "Unincorporated association"
    OTHER = "other", "Other"


class UloQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def with_meets_criteria(self):
        """Annotate ``meets_criteria``: every essential criterion is met."""
        unmet_essential = Criterion.objects.filter(is_essential=True).exclude(
            Exists(
                Assessment.objects.filter(
                    ulo=OuterRef(OuterRef("pk")),
                    criterion=OuterRef("pk"),
                    result=Assessment.Result.MET,
                )
            )
        )
        return self.annotate(meets_criteria=~Exists(unmet_essential))

    def meeting_criteria(self, meets=True):
        queryset = self.with_meets_criteria()
        return queryset.filter(meets_criteria=meets)

    def in_region(self, region_id):
        return self.filter(self._serves_region(region_id))

    def visible_to(self, user):
        """Published ULOs, and drafts for the coordinators whose scope they are in."""
        scope = roles.scope_of(user)
        if scope.everything:
            return self.all()
        if scope.region_id:
            return self.filter(Q(is_published=True) | self._serves_region(scope.region_id))
        return self.published()

    @staticmethod
    def _serves_region(region_id):
        return Exists(
            Ulo.local_authorities.through.objects.filter(
                ulo=OuterRef("pk"), localauthority__region_id=region_id
            )
        )


# Addresses under /ulos/ that a ULO's slug would hide.
RESERVED_SLUGS = {"coverage", "funding", "open-data"}


class Ulo(TimeStampedModel):
    """A user-led organisation: run and controlled by people who use support."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(
        "address",
        max_length=200,
        unique=True,
        help_text="Its address on the site: /ulos/<address>/",
    )
    description = models.TextField(blank=True)
    website = models.URLField(blank=True)
    email = models.EmailField("contact email", blank=True)
    phone = models.CharField("contact phone", max_length=40, blank=True)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    local_authorities = models.ManyToManyField(
        LocalAuthority,
        related_name="ulos",
        verbose_name="councils served",
        help_text="The councils whose areas it serves (at least one).",
    )
    is_centre_for_independent_living = models.BooleanField(
        "centre for independent living", default=False
    )
    legal_form = models.CharField(max_length=20, choices=LegalForm.choices, blank=True)
    year_founded = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    committee_user_share = models.PositiveSmallIntegerField(
        "management committee who use support (%)",
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text="The share of its management committee who are people who use support, 0 to 100.",
    )
    services = models.ManyToManyField(Service, blank=True, related_name="ulos")
    stage = models.CharField(
        "stage of development", max_length=20, choices=Stage.choices, default=Stage.EMERGING
    )
    is_action_and_learning_site = models.BooleanField("action and learning site", default=False)
    signed_cil_protocol = models.BooleanField(
        "signed the protocol for centres for independent living", default=False
    )
    last_checked_on = models.DateField("record last checked", null=True, blank=True)
    is_published = models.BooleanField("published", default=False)

    objects = UloQuerySet.as_manager()
    # The councils it serves decide who sees it, so changes to them are kept too.
    history = audit_history(m2m_fields=["local_authorities"])

    class Meta:
        verbose_name = "ULO"
        verbose_name_plural = "ULOs"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(committee_user_share__lte=100),
                name="ulos_committee_share_at_most_100",
                violation_error_message="The committee share must be between 0 and 100 %.",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("ulos:detail", kwargs={"slug": self.slug})

    def clean(self):
        if self.slug in RESERVED_SLUGS:
            raise ValidationError(
                {"slug": f"'{self.slug}' is used by another page. Choose a different address."}
            )


class Criterion(models.Model):
    """One of the key requirements for an organisation to count as a ULO.

    Where ``committee_share_met`` is set, assessments follow the ULO's
    management committee share: met at or above it, partly met at or above
    ``committee_share_partly_met``, otherwise not met."""

    title = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    is_essential = models.BooleanField("essential", default=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first.")
    committee_share_met = models.PositiveSmallIntegerField(
        "met from committee share (%)",
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text="Assess automatically: met when the committee share is at least this.",
    )
    committee_share_partly_met = models.PositiveSmallIntegerField(
        "partly met from committee share (%)",
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text="Partly met when the committee share is at least this.",
    )

    class Meta:
        verbose_name_plural = "criteria"
        ordering = ["position", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(committee_share_partly_met__isnull=True)
                | Q(committee_share_met__gte=models.F("committee_share_partly_met")),
                name="ulos_criterion_partly_below_met",
                violation_error_message=(
                    "'Partly met' needs a 'met' share, at or above the 'partly met' share."
                ),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def follows_committee_share(self):
        return self.committee_share_met is not None

    def result_for_committee_share(self, share):
        if share is None or not self.follows_committee_share:
            return None
        if share >= self.committee_share_met:
            return Assessment.Result.MET
        if self.committee_share_partly_met is not None and share >= self.committee_share_partly_met:
            return Assessment.Result.PARTLY_MET
        return Assessment.Result.NOT_MET


class Assessment(TimeStampedModel):
    """How far one ULO meets one criterion, when, by whom, and on what evidence."""

    class Result(models.TextChoices):
        MET = "met", "Met"
        PARTLY_MET = "partly met", "Partly met"
        NOT_MET = "not met", "Not met"

    ulo = models.ForeignKey(Ulo, on_delete=models.CASCADE, related_name="assessments")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="assessments")
    result = models.CharField(max_length=20, choices=Result.choices)
    assessed_on = models.DateField("assessed on", default=timezone.localdate)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="assessed by",
    )
    evidence = models.TextField(blank=True)

    class Meta:
        ordering = ["criterion__position", "criterion__title"]
        constraints = [
            models.UniqueConstraint(
                fields=["ulo", "criterion"],
                name="ulos_one_assessment_per_criterion",
                violation_error_message="This ULO already has an assessment for this criterion.",
            ),
        ]

    def __str__(self):
        return f"{self.ulo}: {self.criterion} ({self.get_result_display().lower()})"


class FundingProgrammeQuerySet(models.QuerySet):
    def with_awarded(self):
        return self.annotate(
            awarded=Coalesce(
                Sum("awards__amount"),
                Value(Decimal("0.00")),
                output_field=models.DecimalField(max_digits=12, decimal_places=2),
            ),
            award_count=Count("awards"),
        )


class FundingProgramme(TimeStampedModel):
    """A pot of money for developing ULOs, such as the ULO development fund."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField("address", max_length=200, unique=True)
    financial_year = models.CharField(
        "year", max_length=7, help_text="The financial year, such as 2009/10."
    )
    budget = models.DecimalField(
        "budget (£)", max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    description = models.TextField(blank=True)
    funder = models.CharField(max_length=200, default="Department of Health")

    objects = FundingProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["financial_year", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget__gte=0), name="ulos_programme_budget_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.financial_year})"

    def get_absolute_url(self):
        return reverse("ulos:programme", kwargs={"slug": self.slug})


class Award(TimeStampedModel):
    """Money from a programme to a ULO, or to a region for capacity building."""

    programme = models.ForeignKey(FundingProgramme, on_delete=models.PROTECT, related_name="awards")
    ulo = models.ForeignKey(
        Ulo, on_delete=models.PROTECT, null=True, blank=True, related_name="awards"
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="awards",
        help_text="For capacity building in a region, instead of a ULO.",
    )
    amount = models.DecimalField("amount (£)", max_digits=12, decimal_places=2)
    awarded_on = models.DateField("awarded on")
    purpose = models.TextField()

    history = audit_history()

    class Meta:
        ordering = ["-awarded_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="ulos_award_amount_positive",
                violation_error_message="Enter an amount more than £0.",
            ),
            models.CheckConstraint(
                condition=(Q(ulo__isnull=False) & Q(region__isnull=True))
                | (Q(ulo__isnull=True) & Q(region__isnull=False)),
                name="ulos_award_to_ulo_or_region",
                violation_error_message="Choose either a ULO or a region, not both.",
            ),
        ]

    def __str__(self):
        return f"£{self.amount:,.2f} to {self.recipient} ({self.programme.name})"

    @property
    def recipient(self):
        return self.ulo or self.region
