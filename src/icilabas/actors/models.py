"""The actors: organisations of the territory (ici), foreign partner authorities (là-bas),
people and their dated positions."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from icilabas.core.models import LinkRecord, PublishableRecord, alive_index
from icilabas.core.validation import check_end_after_start
from icilabas.reference import gazetteer
from icilabas.reference.models import Commune, Departement, Region

from .validators import validate_siren, validate_siret

LATITUDE_VALIDATORS = [MinValueValidator(-90), MaxValueValidator(90)]
LONGITUDE_VALIDATORS = [MinValueValidator(-180), MaxValueValidator(180)]


class Organisation(PublishableRecord):
    """An actor of the French territory: local authority, association, school, network…"""

    public_fields = (
        "name",
        "acronym",
        "kind",
        "siren",
        "siret",
        "insee_code",
        "departement",
        "region",
        "address",
        "postcode",
        "city",
        "website",
        "email",
        "phone",
        "description",
        "latitude",
        "longitude",
        "is_network_member",
        "iati_identifier",
        "source",
    )  # an organisation's contact details are institutional; `trusted` is staff's business

    owner_lookups = ("id",)
    staff_only_fields = ("is_network_member", "trusted")

    class Kind(models.TextChoices):
        COMMUNE = "commune", _("Commune")
        EPCI = "epci", _("Intercommunalité (EPCI)")
        DEPARTEMENT = "departement", _("Département")
        REGION = "region", _("Région")
        PNR_PAYS = "pnr_pays", _("Parc naturel régional / Pays")
        ASSOCIATION = "association", _("Association")
        TWINNING = "jumelage", _("Comité de jumelage")
        UNIVERSITY = "universite", _("Université / grande école")
        SCHOOL = "ecole", _("Établissement scolaire")
        COMPANY = "entreprise", _("Entreprise")
        OSIM = "osim", _("Organisation de solidarité issue des migrations (OSIM)")
        NETWORK = "reseau", _("Réseau / centre de ressources")
        OTHER = "autre", _("Autre")

    LOCAL_AUTHORITY_KINDS = {Kind.COMMUNE, Kind.EPCI, Kind.DEPARTEMENT, Kind.REGION, Kind.PNR_PAYS}
    # Those a citizen can join ("je veux m'impliquer").
    JOINABLE_KINDS = (Kind.ASSOCIATION, Kind.TWINNING, Kind.OSIM)

    name = models.CharField(_("nom"), max_length=200)
    acronym = models.CharField(_("sigle"), max_length=40, blank=True)
    kind = models.CharField(_("type d'acteur"), max_length=20, choices=Kind.choices)
    siren = models.CharField(
        _("SIREN"),
        max_length=9,
        blank=True,
        validators=[validate_siren],
        help_text=_("9 chiffres, avec clé de contrôle."),
    )
    siret = models.CharField(
        _("SIRET"),
        max_length=14,
        blank=True,
        validators=[validate_siret],
        help_text=_("14 chiffres (SIREN + NIC)."),
    )
    insee_code = models.CharField(
        _("code INSEE de la commune"),
        max_length=5,
        blank=True,
        help_text=_("Code officiel géographique, par exemple 33273 pour Martignas-sur-Jalle."),
    )
    departement = models.ForeignKey(
        Departement, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("département")
    )
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("région")
    )
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    postcode = models.CharField(_("code postal"), max_length=10, blank=True)
    city = models.CharField(_("ville"), max_length=100, blank=True)
    website = models.URLField(_("site web"), blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    description = models.TextField(_("présentation"), blank=True)
    latitude = models.FloatField(
        _("latitude"), null=True, blank=True, validators=LATITUDE_VALIDATORS
    )
    longitude = models.FloatField(
        _("longitude"), null=True, blank=True, validators=LONGITUDE_VALIDATORS
    )
    is_network_member = models.BooleanField(_("membre du réseau"), default=False)
    iati_identifier = models.CharField(
        _("identifiant d'organisation IATI"),
        max_length=100,
        blank=True,
        db_index=True,
        help_text=_(
            "Par exemple FR-RCS-213302730 ; rempli par l'import d'un fichier "
            "d'organisations IATI, qui met à jour la fiche s'il est réimporté."
        ),
    )
    trusted = models.BooleanField(
        _("organisation de confiance"),
        default=False,
        help_text=_("Ce que ses éditeurs enregistrent est publié sans relecture par l'équipe."),
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        indexes = [alive_index("name", "id", name="actors_organisation_name_idx")]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                "kind",
                condition=models.Q(deleted_at__isnull=True),
                name="actors_organisation_unique_name_per_kind",
                violation_error_message=_("Une organisation de ce type porte déjà ce nom."),
            ),
            models.UniqueConstraint(
                fields=["siren"],
                condition=models.Q(deleted_at__isnull=True) & ~models.Q(siren=""),
                name="actors_organisation_unique_siren",
                violation_error_message=_("Une organisation porte déjà ce SIREN."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("actors:organisation_detail", args=[self.pk])

    @property
    def is_local_authority(self) -> bool:
        return self.kind in self.LOCAL_AUTHORITY_KINDS

    @property
    def is_joinable(self) -> bool:
        return self.kind in self.JOINABLE_KINDS

    def clean(self):
        errors = {}
        if self.insee_code:
            commune = (
                Commune.objects.select_related("departement__region")
                .filter(insee_code=self.insee_code)
                .first()
            )
            if commune is None:
                errors["insee_code"] = (
                    f"Code INSEE inconnu : « {self.insee_code} » n'existe pas dans le Code "
                    "officiel géographique."
                )
            else:
                self.departement = self.departement or commune.departement
                self.city = self.city or commune.name
                if self.latitude is None and self.longitude is None:
                    self.latitude, self.longitude = commune.latitude, commune.longitude
        if self.departement_id and not self.region_id:
            self.region = self.departement.region
        if self.siren and self.siret and not self.siret.startswith(self.siren):
            errors["siret"] = "Le SIRET doit commencer par le SIREN de l'organisation."
        if self.name and self.kind:
            twins = Organisation.objects.filter(name__iexact=self.name.strip(), kind=self.kind)
            if self.pk:
                twins = twins.exclude(pk=self.pk)
            if twins.exists():
                errors["name"] = (
                    f"Une organisation de type « {self.get_kind_display()} » porte déjà ce nom."
                )
        if errors:
            raise ValidationError(errors)


class ForeignAuthority(PublishableRecord):
    """A partner authority abroad (là-bas), placed on the map from the gazetteer or by hand."""

    public_fields = (
        "name",
        "kind",
        "country",
        "locality",
        "admin_area",
        "latitude",
        "longitude",
        "location_source",
        "website",
        "description",
        "source",
    )

    owner_lookups = ("partnerships__french_partners",)

    class Kind(models.TextChoices):
        MUNICIPALITY = "municipalite", _("Commune / municipalité")
        PROVINCE = "province", _("Région / province")
        DISTRICT = "district", _("Département / cercle / district")
        ASSOCIATION = "association", _("Association locale")
        OTHER = "autre", _("Autre")

    class LocationSource(models.TextChoices):
        GAZETTEER = "gazetteer", _("gazetteer GeoNames")
        MANUAL = "manuel", _("saisie manuelle")

    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(
        _("type"), max_length=20, choices=Kind.choices, default=Kind.MUNICIPALITY
    )
    country = CountryField(_("pays"))
    locality = models.CharField(
        _("localité"),
        max_length=200,
        help_text=_(
            "Nom de la ville ou du village ; les coordonnées sont cherchées dans le "
            "gazetteer, ou saisies à la main s'il ne la connaît pas."
        ),
    )
    admin_area = models.CharField(_("région administrative"), max_length=200, blank=True)
    latitude = models.FloatField(
        _("latitude"), null=True, blank=True, validators=LATITUDE_VALIDATORS
    )
    longitude = models.FloatField(
        _("longitude"), null=True, blank=True, validators=LONGITUDE_VALIDATORS
    )
    location_source = models.CharField(
        _("origine des coordonnées"),
        max_length=10,
        choices=LocationSource.choices,
        blank=True,
        editable=False,
    )
    website = models.URLField(_("site web"), blank=True)
    description = models.TextField(_("présentation"), blank=True)

    class Meta:
        verbose_name = _("autorité locale partenaire")
        verbose_name_plural = _("autorités locales partenaires")
        ordering = ["name"]
        indexes = [alive_index("name", "id", name="actors_foreignauth_name_idx")]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                "country",
                condition=models.Q(deleted_at__isnull=True),
                name="actors_foreignauthority_unique_name_per_country",
                violation_error_message=_("Une autorité de ce pays porte déjà ce nom."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.country.name})"

    def get_absolute_url(self) -> str:
        return reverse("actors:foreignauthority_detail", args=[self.pk])

    def _stored_place(self) -> dict | None:
        """The locality and coordinates as saved, before this edit."""
        if not self.pk:
            return None
        return (
            ForeignAuthority.all_objects.filter(pk=self.pk)
            .values("locality", "country", "latitude", "longitude")
            .first()
        )

    def _forget_stale_coordinates(self, before: dict | None) -> None:
        """A locality moved while its coordinates stayed: they belonged to the old place."""
        if before is None:
            return
        moved = (before["locality"], before["country"]) != (self.locality, self.country.code)
        same_point = (before["latitude"], before["longitude"]) == (self.latitude, self.longitude)
        if moved and same_point:
            self.latitude = self.longitude = None
            self.location_source = ""

    def clean(self):
        errors = {}
        before = self._stored_place()
        self._forget_stale_coordinates(before)
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude" if self.longitude is None else "latitude"] = (
                "Saisissez la latitude et la longitude ensemble."
            )
        elif self.latitude is None and self.locality and self.country:
            places = gazetteer.find(self.locality, self.country.code)
            if places:
                place = places[0]
                self.latitude, self.longitude = place.latitude, place.longitude
                self.admin_area = self.admin_area or place.admin1
                self.location_source = self.LocationSource.GAZETTEER
            else:
                errors["locality"] = (
                    f"Localité « {self.locality} » introuvable dans le gazetteer pour "
                    f"{self.country.name} : saisissez sa latitude et sa longitude."
                )
        elif self.latitude is not None and (
            not self.location_source
            or (
                before is not None
                and (before["latitude"], before["longitude"]) != (self.latitude, self.longitude)
            )
        ):
            self.location_source = self.LocationSource.MANUAL
        if self.name and self.country:
            twins = ForeignAuthority.objects.filter(
                name__iexact=self.name.strip(), country=self.country
            )
            if self.pk:
                twins = twins.exclude(pk=self.pk)
            if twins.exists():
                errors["name"] = "Une autorité de ce pays porte déjà ce nom."
        if errors:
            raise ValidationError(errors)


class Person(PublishableRecord):
    """An elected official, officer or volunteer. Personal data: contact details stay internal."""

    # Consent to appear is not consent to publish one's e-mail, phone or the notes about one.
    public_fields = ("first_name", "last_name", "source")
    staff_only_fields = ("account",)
    picker_fields = ("last_name", "first_name")  # found in a picker by either name

    owner_lookups = ("positions__organisation",)

    first_name = models.CharField(_("prénom"), max_length=100)
    last_name = models.CharField(_("nom"), max_length=100)
    email = models.EmailField(_("courriel"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    public_consent = models.BooleanField(
        _("accepte d'apparaître sur les pages publiques"),
        default=False,
        help_text=_(
            "Sans ce consentement, la personne n'est visible que de l'équipe du réseau et "
            "des éditeurs de ses organisations. Ses coordonnées ne sont jamais publiques."
        ),
    )
    consent_on = models.DateField(_("consentement recueilli le"), null=True, blank=True)
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        verbose_name=_("compte"),
        help_text=_(
            "Le compte de cette personne sur la plateforme : ses inscriptions aux rencontres "
            "reprennent son organisation et sa fonction."
        ),
    )

    class Meta:
        verbose_name = _("personne")
        verbose_name_plural = _("personnes")
        ordering = ["last_name", "first_name"]
        indexes = [alive_index("last_name", "id", name="actors_person_name_idx")]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @classmethod
    def public_q(cls):
        return super().public_q() & models.Q(public_consent=True)

    @property
    def is_public(self) -> bool:
        return self.is_published and self.public_consent

    def clean(self):
        if self.public_consent and self.consent_on is None:
            self.consent_on = timezone.localdate()

    def get_absolute_url(self) -> str:
        return reverse("actors:person_detail", args=[self.pk])


class PersonalDataAccess(models.Model):
    """Who exported or erased a person's data, and when (GDPR accountability)."""

    class Action(models.TextChoices):
        EXPORT = "export", _("Export")
        ERASURE = "effacement", _("Effacement")

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="data_accesses", verbose_name=_("personne")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("par"),
    )
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        verbose_name = _("accès aux données personnelles")
        verbose_name_plural = _("accès aux données personnelles")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} — {self.person_id} — {self.at:%d/%m/%Y}"


class Position(LinkRecord):
    """A person's dated role in an organisation (an elected official's mandate, a job…).

    The person becomes the organisation's to edit only once the link is accepted."""

    public_fields = ("person", "organisation", "title", "role", "start_on", "end_on", "source")

    owner_lookups = ("organisation",)
    link_target = parent_field = "person"

    class Role(models.TextChoices):
        ELECTED = "elu", _("Élu·e")
        OFFICER = "technicien", _("Technicien·ne / salarié·e")
        VOLUNTEER = "benevole", _("Bénévole")
        OTHER = "autre", _("Autre")

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="positions", verbose_name=_("personne")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="positions",
        verbose_name=_("organisation"),
    )
    title = models.CharField(_("fonction"), max_length=200)
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices, default=Role.OFFICER)
    start_on = models.DateField(_("début"), null=True, blank=True)
    end_on = models.DateField(_("fin"), null=True, blank=True)

    class Meta:
        verbose_name = _("fonction")
        verbose_name_plural = _("fonctions")
        ordering = ["organisation__name", "person__last_name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_on__isnull=True)
                | models.Q(start_on__isnull=True)
                | models.Q(end_on__gte=models.F("start_on")),
                name="actors_position_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.title}, {self.organisation}"

    def get_absolute_url(self) -> str:
        return self.person.get_absolute_url()

    def clean(self):
        check_end_after_start(self.start_on, self.end_on)


class Involvement(models.Model):
    """A visitor's offer to help an organisation ("je veux m'impliquer"). Personal data, not a
    registry record: seen by the organisation's editors and staff only, never published, and
    erased for good (no history) from the link she received or by the editors."""

    class Way(models.TextChoices):
        VOLUNTEER = "benevolat", _("Devenir bénévole")
        ATTEND = "participer", _("Participer aux événements")
        HOST = "accueillir", _("Accueillir une délégation ou un·e volontaire")
        TIME = "temps", _("Donner du temps ou des compétences")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="involvements",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("nom"), max_length=150)
    email = models.EmailField(_("courriel"))
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    commune = models.ForeignKey(
        Commune,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("commune"),
    )
    ways = models.JSONField(_("souhaits"), default=list)
    message = models.TextField(_("message"), blank=True, max_length=3000)
    consent_at = models.DateTimeField(_("consentement donné le"))
    created_at = models.DateTimeField(_("reçu le"), default=timezone.now)
    answered_at = models.DateTimeField(_("traité le"), null=True, blank=True)
    erase_key = models.CharField(max_length=64, unique=True, editable=False)

    class Meta:
        verbose_name = _("proposition d'engagement")
        verbose_name_plural = _("propositions d'engagement")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organisation", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.name} → {self.organisation}"

    def get_ways_display(self) -> list[str]:
        labels = dict(self.Way.choices)
        return [labels[way] for way in self.ways if way in labels]
