"""Places: the 9 English regions and the 153 councils with adult social services
responsibilities. User-led organisations join them in a later issue."""

from django.db import models

from citizenleaders.models import TimeStampedModel


class Region(models.Model):
    gss_code = models.CharField("GSS code", max_length=9, unique=True)
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


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
        "GSS code", max_length=9, unique=True, help_text="The ONS code, such as E08000035."
    )
    name = models.CharField(max_length=100)
    authority_type = models.CharField("type", max_length=32, choices=Type.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="local_authorities")

    class Meta:
        verbose_name = "council"
        ordering = ["name"]

    def __str__(self):
        return self.name
