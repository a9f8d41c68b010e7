"""Partnerships (conventions) between authorities here and there, and the projects they carry:
objectives, action plan, themes, budget, participants and what they bring back home."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from icilabas.actors.models import LATITUDE_VALIDATORS, LONGITUDE_VALIDATORS
from icilabas.core.models import (
    AttachedDocument,
    LinkRecord,
    PublishableRecord,
    RegistryModel,
    alive_index,
    unpublished_index,
)
from icilabas.core.validation import check_end_after_start
from icilabas.reference import gazetteer
from icilabas.reference.models import Concept

YEAR_VALIDATORS = [MinValueValidator(1950), MaxValueValidator(2100)]
# A project's parts belong to whoever owns the project.
PROJECT_CHILD_OWNERS = (
    "project__partnership__french_partners",
    "project__participations__organisation",
)


def years_after(day: date, years: int) -> date:
    """The same day `years` later (29 February becomes 1 March in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


class Partnership(PublishableRecord):
    """A convention between French authorities (ici) and a foreign authority (là-bas)."""

    public_fields = (
        "title",
        "french_partners",
        "foreign_authority",
        "signed_on",
        "first_convention_year",
        "duration_years",
        "end_on",
        "status",
        "description",
        "source",
    )

    owner_lookups = ("french_partners",)
    # The partner authority becomes the French partners' to edit only once the link is
    # accepted (core.LinkRecord says how).
    link_target = "foreign_authority"

    class Status(models.TextChoices):
        ONGOING = "en_cours", _("En cours")
        ENDED = "termine", _("Terminé")
        SUSPENDED = "suspendu", _("Suspendu")

    title = models.CharField(_("intitulé"), max_length=250)
    french_partners = models.ManyToManyField(
        "actors.Organisation",
        related_name="partnerships",
        verbose_name=_("partenaires français (ici)"),
    )
    foreign_authority = models.ForeignKey(
        "actors.ForeignAuthority",
        on_delete=models.PROTECT,
        related_name="partnerships",
        verbose_name=_("autorité partenaire (là-bas)"),
    )
    signed_on = models.DateField(_("signée le"), null=True, blank=True)
    first_convention_year = models.PositiveSmallIntegerField(
        _("année de la première convention"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    duration_years = models.PositiveSmallIntegerField(
        _("durée (années)"), null=True, blank=True, validators=[MaxValueValidator(99)]
    )
    end_on = models.DateField(_("fin"), null=True, blank=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.ONGOING
    )
    description = models.TextField(_("contexte et objet"), blank=True)
    end_notice_sent_on = models.DateField(
        _("avis d'échéance envoyé le"), null=True, blank=True, editable=False
    )
    link_accepted = models.BooleanField(
        _("rattachement à l'autorité accepté"), default=True, editable=False
    )

    class Meta:
        verbose_name = _("partenariat")
        verbose_name_plural = _("partenariats")
        ordering = ["title"]
        indexes = [
            alive_index("title", "id", name="coop_partnership_title_idx"),
            alive_index("updated_at", name="coop_partnership_updated_idx"),
            unpublished_index(name="coop_partnership_unpub_idx"),
            # Conventions reaching their end (Mon espace, the reminder e-mail): read from
            # the running ones' end dates, not by reading every partnership.
            models.Index(
                fields=["end_on"],
                name="coop_partnership_ending_idx",
                condition=models.Q(deleted_at__isnull=True, status="en_cours"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_on__isnull=True)
                | models.Q(signed_on__isnull=True)
                | models.Q(end_on__gte=models.F("signed_on")),
                name="cooperation_partnership_end_after_signature",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("cooperation:partnership_detail", args=[self.pk])

    def clean(self):
        if self.end_on is None and self.signed_on and self.duration_years:
            # The end a convention states by its length: signed 15 March 2020 for 3 years, it
            # ends on 14 March 2023.
            self.end_on = years_after(self.signed_on, self.duration_years) - timedelta(days=1)
        check_end_after_start(self.signed_on, self.end_on)
        if (
            self.signed_on
            and self.first_convention_year
            and (self.first_convention_year > self.signed_on.year)
        ):
            raise ValidationError(
                {
                    "first_convention_year": _(
                        "La première convention ne peut pas être postérieure "
                        "à la signature de celle-ci."
                    )
                }
            )


class Commitment(RegistryModel):
    """A reciprocal commitment of a convention, on one side: here or there."""

    public_fields = ("partnership", "side", "text", "order", "status", "due_on", "source")

    owner_lookups = ("partnership__french_partners",)
    parent_field = "partnership"

    class Side(models.TextChoices):
        HERE = "ici", _("Ici (partenaires français)")
        THERE = "la_bas", _("Là-bas (partenaire étranger)")

    class Status(models.TextChoices):
        PLANNED = "prevu", _("Prévu")
        ONGOING = "en_cours", _("En cours")
        KEPT = "tenu", _("Tenu")
        NOT_KEPT = "non_tenu", _("Non tenu")

    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.CASCADE,
        related_name="commitments",
        verbose_name=_("partenariat"),
    )
    side = models.CharField(_("côté"), max_length=10, choices=Side.choices)
    text = models.TextField(_("engagement"))
    status = models.CharField(
        _("état"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    due_on = models.DateField(_("échéance"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")
        ordering = ["partnership", "side", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.get_side_display()} : {self.text[:60]}"

    def get_absolute_url(self) -> str:
        return self.partnership.get_absolute_url()


class PartnershipDocument(AttachedDocument):
    """A document of a partnership: the convention itself, an amendment, a report."""

    public_fields = ("partnership", "title", "file", "url", "dated_on", "source")

    owner_lookups = ("partnership__french_partners",)
    parent_field = "partnership"
    download_route = "cooperation:partnershipdocument_file"

    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("partenariat"),
    )
    file = models.FileField(_("fichier"), upload_to="partnerships/%Y/", blank=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["partnership", "-dated_on"]

    def get_absolute_url(self) -> str:
        return self.partnership.get_absolute_url()


class Project(PublishableRecord):
    """A project or action, under a partnership or standalone."""

    public_fields = (
        "title",
        "partnership",
        "summary",
        "description",
        "objectives",
        "status",
        "start_on",
        "end_on",
        "country",
        "primary_theme",
        "sdgs",
        "dac_sector",
        "iati_identifier",
        "source",
    )

    owner_lookups = ("partnership__french_partners", "participations__organisation")

    class Status(models.TextChoices):
        IDENTIFICATION = "identification", _("En préparation")
        ONGOING = "en_cours", _("En cours")
        ENDED = "termine", _("Terminé")
        SUSPENDED = "suspendu", _("Suspendu")
        CANCELLED = "annule", _("Annulé")

    title = models.CharField(_("titre"), max_length=250)
    partnership = models.ForeignKey(
        Partnership,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
        verbose_name=_("partenariat"),
    )
    summary = models.CharField(_("résumé"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)
    objectives = models.TextField(_("objectifs"), blank=True)
    status = models.CharField(
        _("statut"), max_length=20, choices=Status.choices, default=Status.ONGOING
    )
    start_on = models.DateField(_("début"), null=True, blank=True)
    end_on = models.DateField(_("fin"), null=True, blank=True)
    country = CountryField(_("pays d'intervention"), blank=True)
    primary_theme = models.ForeignKey(
        "reference.Concept",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="primary_projects",
        verbose_name=_("thématique principale"),
        limit_choices_to={"vocabulary__slug": "atlas-theme"},
    )
    sdgs = models.ManyToManyField(
        "reference.Concept",
        blank=True,
        related_name="sdg_projects",
        verbose_name=_("ODD"),
        limit_choices_to={"vocabulary__slug": "sdg"},
    )
    dac_sector = models.ForeignKey(
        "reference.Concept",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dac_projects",
        verbose_name=_("secteur CAD"),
        limit_choices_to={"vocabulary__slug": "dac-sector"},
    )
    iati_identifier = models.CharField(
        _("identifiant IATI"),
        max_length=200,
        blank=True,
        db_index=True,
        help_text=_("Pour une activité importée d'un fichier IATI : la réimporter la met à jour."),
    )

    class Meta:
        verbose_name = _("projet")
        verbose_name_plural = _("projets")
        ordering = ["title"]
        indexes = [
            alive_index("title", "id", name="coop_project_title_idx"),
            alive_index("country", "status", name="coop_project_country_idx"),
            alive_index("start_on", "end_on", name="coop_project_dates_idx"),
            # Mon espace and the unpublished work: the latest changed first.
            alive_index("updated_at", name="coop_project_updated_idx"),
            unpublished_index(name="coop_project_unpub_idx"),
            # A country's page lists who reports the IATI activities there: the few imported
            # ones, not every project of the country (13,000 read per visit at 100,000).
            models.Index(
                fields=["country"],
                condition=~models.Q(iati_identifier="") & models.Q(deleted_at__isnull=True),
                name="coop_project_iati_country_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_on__isnull=True)
                | models.Q(start_on__isnull=True)
                | models.Q(end_on__gte=models.F("start_on")),
                name="cooperation_project_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("cooperation:project_detail", args=[self.pk])

    def clean(self):
        check_end_after_start(self.start_on, self.end_on)
        if not self.country and self.partnership_id:
            self.country = self.partnership.foreign_authority.country


class SecondaryTheme(RegistryModel):
    """A ranked secondary theme of a project (rank 1 is the most important)."""

    public_fields = ("project", "theme", "rank", "source")

    owner_lookups = PROJECT_CHILD_OWNERS
    parent_field = "project"

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="secondary_themes", verbose_name=_("projet")
    )
    theme = models.ForeignKey(
        "reference.Concept",
        on_delete=models.PROTECT,
        verbose_name=_("thématique"),
        limit_choices_to={"vocabulary__slug": "atlas-theme"},
    )
    rank = models.PositiveSmallIntegerField(_("rang"), default=1, validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("thématique secondaire")
        verbose_name_plural = _("thématiques secondaires")
        ordering = ["project", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "theme"],
                condition=models.Q(deleted_at__isnull=True),
                name="cooperation_secondarytheme_unique_theme",
                violation_error_message=_("Cette thématique est déjà attachée au projet."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.theme.label}"

    def get_absolute_url(self) -> str:
        return self.project.get_absolute_url()

    def clean(self):
        if self.project_id and self.theme_id and self.project.primary_theme_id == self.theme_id:
            raise ValidationError({"theme": _("C'est déjà la thématique principale du projet.")})


class ProjectLocation(RegistryModel):
    """A locality where the project acts (there, or here for actions in France)."""

    public_fields = ("project", "name", "country", "latitude", "longitude", "source")

    owner_lookups = PROJECT_CHILD_OWNERS
    parent_field = "project"

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="locations", verbose_name=_("projet")
    )
    name = models.CharField(_("localité"), max_length=200)
    country = CountryField(_("pays"))
    latitude = models.FloatField(
        _("latitude"), null=True, blank=True, validators=LATITUDE_VALIDATORS
    )
    longitude = models.FloatField(
        _("longitude"), null=True, blank=True, validators=LONGITUDE_VALIDATORS
    )

    class Meta:
        verbose_name = _("localité du projet")
        verbose_name_plural = _("localités du projet")
        ordering = ["project", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.country.name})"

    def get_absolute_url(self) -> str:
        return self.project.get_absolute_url()

    def clean(self):
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(
                {"longitude": _("Saisissez la latitude et la longitude ensemble.")}
            )
        if self.latitude is None and self.name and self.country:
            places = gazetteer.find(self.name, self.country.code)
            if places:
                self.latitude, self.longitude = places[0].latitude, places[0].longitude


class ActionStep(RegistryModel):
    """A step of the project's action plan."""

    public_fields = ("project", "title", "owner", "start_on", "end_on", "status", "source")

    owner_lookups = PROJECT_CHILD_OWNERS
    parent_field = "project"

    class Status(models.TextChoices):
        PLANNED = "prevu", _("Prévue")
        ONGOING = "en_cours", _("En cours")
        DONE = "fait", _("Réalisée")
        DROPPED = "abandonne", _("Abandonnée")

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="action_steps", verbose_name=_("projet")
    )
    title = models.CharField(_("étape"), max_length=250)
    owner = models.ForeignKey(
        "actors.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="action_steps",
        verbose_name=_("responsable"),
    )
    start_on = models.DateField(_("début"), null=True, blank=True)
    end_on = models.DateField(_("fin"), null=True, blank=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )

    class Meta:
        verbose_name = _("étape du plan d'action")
        verbose_name_plural = _("étapes du plan d'action")
        ordering = ["project", "start_on", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return self.project.get_absolute_url()

    def clean(self):
        check_end_after_start(self.start_on, self.end_on)


class Participation(LinkRecord):
    """An organisation taking part in a project, with its role. The project becomes the
    organisation's to edit only once the link is accepted; its organisation may withdraw it."""

    public_fields = ("project", "organisation", "role", "source")

    owner_lookups = (*PROJECT_CHILD_OWNERS, "organisation")
    link_target = parent_field = "project"

    class Role(models.TextChoices):
        LEAD = "pilote", _("Pilote")
        OPERATOR = "operateur", _("Opérateur")
        FUNDER = "financeur", _("Financeur")
        PARTNER = "partenaire", _("Partenaire")

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="participations", verbose_name=_("projet")
    )
    organisation = models.ForeignKey(
        "actors.Organisation",
        on_delete=models.CASCADE,
        related_name="participations",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("rôle"), max_length=12, choices=Role.choices)

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        ordering = ["project", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "organisation", "role"],
                condition=models.Q(deleted_at__isnull=True),
                name="cooperation_participation_unique_role",
                violation_error_message=_("Cette organisation a déjà ce rôle dans le projet."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"

    def get_absolute_url(self) -> str:
        return self.project.get_absolute_url()


class BudgetLine(RegistryModel):
    """A budget line of a project, possibly brought by a co-financer."""

    public_fields = (
        "project",
        "label",
        "amount",
        "currency",
        "year",
        "cofinancer",
        "cofinancer_name",
        "channel",
        "source",
    )

    owner_lookups = PROJECT_CHILD_OWNERS
    parent_field = "project"

    class Channel(models.TextChoices):
        """How the money reaches the partner: the e-APD declaration's "canal d'acheminement",
        each with its OECD CRS channel code (used by the IATI export)."""

        UNSPECIFIED = "", _("Non précisé")
        DIRECT = "direct", _("En direct par la collectivité")
        PARTNER_AUTHORITY = "collectivite_partenaire", _("Via la collectivité partenaire")
        FRENCH_NGO = "association", _("Via une association ou ONG française")
        LOCAL_NGO = "ong_locale", _("Via une ONG ou association du pays partenaire")
        MULTILATERAL = "multilateral", _("Via une organisation internationale")
        UNIVERSITY = "universite", _("Via une université ou un centre de recherche")
        OTHER = "autre", _("Autre")

    CRS_CHANNELS = {
        "direct": "11000",
        "collectivite_partenaire": "12000",
        "association": "22000",
        "ong_locale": "23000",
        "multilateral": "40000",
        "universite": "51000",
        "autre": "90000",
    }

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="budget_lines", verbose_name=_("projet")
    )
    label = models.CharField(_("poste"), max_length=250)
    amount = models.DecimalField(
        _("montant"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(0, message="Le montant ne peut pas être négatif.")],
    )
    currency = models.CharField(_("devise"), max_length=3, default="EUR")
    year = models.PositiveSmallIntegerField(
        _("année"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    cofinancer = models.ForeignKey(
        "actors.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cofinanced_lines",
        verbose_name=_("cofinanceur"),
    )
    cofinancer_name = models.CharField(
        _("cofinanceur (hors registre)"),
        max_length=200,
        blank=True,
        help_text=_("Par exemple « Ministère de l'Europe et des Affaires étrangères »."),
    )
    channel = models.CharField(
        _("canal d'acheminement"),
        max_length=25,
        choices=Channel.choices,
        blank=True,
        default=Channel.UNSPECIFIED,
        help_text=_("Comment l'argent parvient au partenaire (déclaration e-APD)."),
    )

    class Meta:
        verbose_name = _("ligne budgétaire")
        verbose_name_plural = _("lignes budgétaires")
        ordering = ["project", "year", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="cooperation_budgetline_amount_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.label} : {self.amount} {self.currency}"

    def get_absolute_url(self) -> str:
        return self.project.get_absolute_url()

    def clean(self):
        if self.currency and not Concept.objects.of("currency").filter(code=self.currency).exists():
            unknown = _("Devise inconnue : « %(code)s ».")
            raise ValidationError({"currency": unknown % {"code": self.currency}})


class LocalImpact(RegistryModel):
    """What the project brings back to the French territory (ici), in the seed's six categories."""

    public_fields = (
        "project",
        "category",
        "text",
        "people_reached",
        "events_count",
        "year",
        "source",
    )

    owner_lookups = PROJECT_CHILD_OWNERS
    parent_field = "project"

    class Category(models.TextChoices):
        LOCAL_LIFE = "animation_locale", _("Animation locale")
        DEVELOPMENT_EDUCATION = "education_developpement", _("Éducation au développement")
        YOUTH = "education_jeunesse", _("Éducation et jeunesse")
        CODEVELOPMENT = "codeveloppement", _("Co-développement")
        INSTITUTIONAL = "savoir_faire", _("Savoir-faire institutionnels")
        IMAGE = "image_rayonnement", _("Image et rayonnement")

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="local_impacts", verbose_name=_("projet")
    )
    category = models.CharField(_("catégorie"), max_length=30, choices=Category.choices)
    text = models.TextField(_("retour sur le territoire"))
    people_reached = models.PositiveIntegerField(_("personnes touchées"), null=True, blank=True)
    events_count = models.PositiveIntegerField(_("événements"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(
        _("année"), null=True, blank=True, validators=YEAR_VALIDATORS
    )

    class Meta:
        verbose_name = _("retour sur le territoire")
        verbose_name_plural = _("retours sur le territoire")
        ordering = ["project", "category"]

    def __str__(self) -> str:
        return f"{self.get_category_display()} : {self.text[:60]}"

    def get_absolute_url(self) -> str:
        return self.project.get_absolute_url()
