"""Reference data: French territories (INSEE), controlled vocabularies and their crosswalks.

Loaded from files shipped in `data/` (see docs/decisions.md for sources); read-only for users.
"""

from django.db import models


class Region(models.Model):
    """A French région (INSEE code, e.g. 75 for Nouvelle-Aquitaine)."""

    code = models.CharField("code INSEE", max_length=3, unique=True)
    name = models.CharField("nom", max_length=100)

    class Meta:
        verbose_name = "région"
        verbose_name_plural = "régions"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Departement(models.Model):
    """A French département (INSEE code, e.g. 33 for the Gironde, 2A for Corse-du-Sud)."""

    code = models.CharField("code INSEE", max_length=3, unique=True)
    name = models.CharField("nom", max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name="région")

    class Meta:
        verbose_name = "département"
        verbose_name_plural = "départements"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Commune(models.Model):
    """A French commune from INSEE's official geographic code (COG 2024)."""

    insee_code = models.CharField("code INSEE", max_length=5, unique=True)
    name = models.CharField("nom", max_length=100, db_index=True)
    name_with_article = models.CharField("nom avec article", max_length=100)
    departement = models.ForeignKey(
        Departement, on_delete=models.PROTECT, verbose_name="département"
    )
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    population = models.PositiveIntegerField("population (2021)", null=True, blank=True)
    postcodes = models.CharField("codes postaux", max_length=200, blank=True)

    class Meta:
        verbose_name = "commune"
        verbose_name_plural = "communes"
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name_with_article} ({self.insee_code})"


class Vocabulary(models.Model):
    """A controlled vocabulary (Atlas themes, DAC sectors, SDGs, IATI codelists), versioned."""

    slug = models.SlugField("identifiant", max_length=60, unique=True)
    name = models.CharField("nom", max_length=200)
    version = models.CharField("version", max_length=40, blank=True)
    source = models.CharField("source", max_length=300, blank=True)

    class Meta:
        verbose_name = "vocabulaire"
        verbose_name_plural = "vocabulaires"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ConceptQuerySet(models.QuerySet):
    def of(self, slug: str):
        return self.filter(vocabulary__slug=slug)


class Concept(models.Model):
    """One entry of a vocabulary; `parent` gives hierarchies such as the Atlas's three levels."""

    vocabulary = models.ForeignKey(
        Vocabulary, on_delete=models.CASCADE, related_name="concepts", verbose_name="vocabulaire"
    )
    code = models.CharField("code", max_length=40)
    label = models.CharField("libellé", max_length=300)
    label_en = models.CharField("libellé anglais", max_length=300, blank=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
        verbose_name="parent",
    )
    level = models.PositiveSmallIntegerField("niveau", default=1)
    is_active = models.BooleanField("actif", default=True)

    objects = ConceptQuerySet.as_manager()

    class Meta:
        verbose_name = "concept"
        verbose_name_plural = "concepts"
        ordering = ["vocabulary", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["vocabulary", "code"], name="reference_concept_unique_code"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.label}"


class ConceptMapping(models.Model):
    """A crosswalk between two vocabularies (e.g. an Atlas theme to a DAC sector)."""

    class Relation(models.TextChoices):
        EXACT = "exact", "équivalent"
        CLOSE = "close", "proche"
        BROADER = "broader", "plus large"
        NARROWER = "narrower", "plus précis"

    source = models.ForeignKey(
        Concept,
        on_delete=models.CASCADE,
        related_name="mappings_from",
        verbose_name="concept source",
    )
    target = models.ForeignKey(
        Concept, on_delete=models.CASCADE, related_name="mappings_to", verbose_name="concept cible"
    )
    relation = models.CharField("relation", max_length=10, choices=Relation.choices)

    class Meta:
        verbose_name = "correspondance"
        verbose_name_plural = "correspondances"
        constraints = [
            models.UniqueConstraint(
                fields=["source", "target"], name="reference_conceptmapping_unique_pair"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} → {self.target} ({self.get_relation_display()})"
