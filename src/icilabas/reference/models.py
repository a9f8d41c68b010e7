"""Reference data: French territories (INSEE), controlled vocabularies and their crosswalks.

Loaded from files shipped in `data/` (see docs/decisions.md for sources); read-only for users.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """A French région (INSEE code, e.g. 75 for Nouvelle-Aquitaine)."""

    code = models.CharField(_("code INSEE"), max_length=3, unique=True)
    name = models.CharField(_("nom"), max_length=100)

    class Meta:
        verbose_name = _("région")
        verbose_name_plural = _("régions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Departement(models.Model):
    """A French département (INSEE code, e.g. 33 for the Gironde, 2A for Corse-du-Sud)."""

    code = models.CharField(_("code INSEE"), max_length=3, unique=True)
    name = models.CharField(_("nom"), max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("région"))

    class Meta:
        verbose_name = _("département")
        verbose_name_plural = _("départements")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Commune(models.Model):
    """A French commune from INSEE's official geographic code (COG 2024)."""

    insee_code = models.CharField(_("code INSEE"), max_length=5, unique=True)
    name = models.CharField(_("nom"), max_length=100, db_index=True)
    name_with_article = models.CharField(_("nom avec article"), max_length=100)
    departement = models.ForeignKey(
        Departement, on_delete=models.PROTECT, verbose_name=_("département")
    )
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    population = models.PositiveIntegerField(_("population (2021)"), null=True, blank=True)
    postcodes = models.CharField(_("codes postaux"), max_length=200, blank=True)
    # The name without accents, case, hyphens or apostrophes, to find "Saint-Médard" from
    # "st medard" or "saint medard" on SQLite as on PostgreSQL.
    search_key = models.CharField(max_length=100, db_index=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name_with_article} ({self.insee_code})"


class Vocabulary(models.Model):
    """A controlled vocabulary (Atlas themes, DAC sectors, SDGs, IATI codelists), versioned."""

    slug = models.SlugField(_("identifiant"), max_length=60, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    version = models.CharField(_("version"), max_length=40, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("vocabulaire")
        verbose_name_plural = _("vocabulaires")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ConceptQuerySet(models.QuerySet):
    def of(self, slug: str):
        return self.filter(vocabulary__slug=slug)


class Concept(models.Model):
    """One entry of a vocabulary; `parent` gives hierarchies such as the Atlas's three levels."""

    vocabulary = models.ForeignKey(
        Vocabulary, on_delete=models.CASCADE, related_name="concepts", verbose_name=_("vocabulaire")
    )
    code = models.CharField(_("code"), max_length=40)
    label = models.CharField(_("libellé"), max_length=300)
    label_en = models.CharField(_("libellé anglais"), max_length=300, blank=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
        verbose_name=_("parent"),
    )
    level = models.PositiveSmallIntegerField(_("niveau"), default=1)
    is_active = models.BooleanField(_("actif"), default=True)

    objects = ConceptQuerySet.as_manager()

    # A searchable picker on the forms (core.pickers), typed as "3.1" or "eau"; a vocabulary
    # is a few hundred entries at most, all held in the page (a remote search would not know
    # which vocabulary the field takes).
    picker_fields = ("code", "label")
    picker_always_local = True

    class Meta:
        verbose_name = _("concept")
        verbose_name_plural = _("concepts")
        ordering = ["vocabulary", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["vocabulary", "code"], name="reference_concept_unique_code"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.label}"

    @property
    def lineage(self) -> list[str]:
        """Its label and those of the broader concepts above it, the broadest last."""
        labels, concept = [], self
        while concept is not None:
            labels.append(concept.label)
            concept = concept.parent
        return labels


class ConceptMapping(models.Model):
    """A crosswalk between two vocabularies (e.g. an Atlas theme to a DAC sector)."""

    class Relation(models.TextChoices):
        EXACT = "exact", _("équivalent")
        CLOSE = "close", _("proche")
        BROADER = "broader", _("plus large")
        NARROWER = "narrower", _("plus précis")

    source = models.ForeignKey(
        Concept,
        on_delete=models.CASCADE,
        related_name="mappings_from",
        verbose_name=_("concept source"),
    )
    target = models.ForeignKey(
        Concept,
        on_delete=models.CASCADE,
        related_name="mappings_to",
        verbose_name=_("concept cible"),
    )
    relation = models.CharField(_("relation"), max_length=10, choices=Relation.choices)

    class Meta:
        verbose_name = _("correspondance")
        verbose_name_plural = _("correspondances")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "target"], name="reference_conceptmapping_unique_pair"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} → {self.target} ({self.get_relation_display()})"
