"""The network's meetings: study days, working groups, officials' meetings, public events;
who registers, who comes, what was said and what is to be done next.

Named so as not to clash with `members.Invitation` (an account invitation): a meeting's guests
are "registrations" (inscriptions)."""

import secrets
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from icilabas.actors.models import LATITUDE_VALIDATORS, LONGITUDE_VALIDATORS, Organisation, Person
from icilabas.core.models import PublishableRecord, RegistryModel, alive_index
from icilabas.core.validation import check_end_after_start

DEFAULT_TIME_ZONE = "Europe/Paris"


def check_time_zone(name: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValidationError(
            _("Fuseau horaire inconnu : « %(name)s » (par exemple Europe/Paris, Africa/Dakar)."),
            params={"name": name},
        ) from error


class WorkingGroup(PublishableRecord):
    """A working group of the network: its member organisations, its meetings, their minutes
    and the actions still open."""

    staff_only = True
    public_fields = ("name", "purpose", "organisations", "themes", "is_active", "source")

    name = models.CharField(_("nom"), max_length=200)
    purpose = models.TextField(_("objet"), blank=True)
    organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="working_groups", verbose_name=_("membres")
    )
    themes = models.ManyToManyField(
        "reference.Concept",
        blank=True,
        related_name="working_groups",
        verbose_name=_("thématiques"),
        limit_choices_to={"vocabulary__slug": "atlas-theme"},
    )
    is_active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("groupe de travail")
        verbose_name_plural = _("groupes de travail")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("meetings:workinggroup_detail", args=[self.pk])


class Meeting(PublishableRecord):
    """A meeting of the network, from its programme to its minutes."""

    staff_only = True
    public_fields = (
        "title",
        "kind",
        "summary",
        "description",
        "starts_at",
        "ends_at",
        "time_zone",
        "venue",
        "address",
        "postal_code",
        "city",
        "latitude",
        "longitude",
        "online_url",
        "capacity",
        "registration_opens_at",
        "registration_closes_at",
        "working_group",
        "themes",
        "departement",
        "source",
    )

    class Kind(models.TextChoices):
        STUDY_DAY = "journee", _("Journée d'échanges")
        WORKING_GROUP = "groupe", _("Groupe de travail")
        OFFICIALS = "elus", _("Rencontre d'élus")
        TRAINING = "formation", _("Formation")
        PUBLIC_EVENT = "public", _("Événement grand public")
        FESTISOL = "festisol", _("Festival des Solidarités")
        SSI = "ssi", _("Semaine de la solidarité internationale")

    # Open to visitors without an account (e-mail confirmation, consent recorded).
    PUBLIC_KINDS = {Kind.PUBLIC_EVENT, Kind.FESTISOL, Kind.SSI}

    title = models.CharField(_("titre"), max_length=250)
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    summary = models.CharField(_("en une phrase"), max_length=300, blank=True)
    description = models.TextField(_("présentation"), blank=True)
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    time_zone = models.CharField(
        _("fuseau horaire"),
        max_length=64,
        default=DEFAULT_TIME_ZONE,
        validators=[check_time_zone],
        help_text=_("Les heures saisies sont celles de ce fuseau (Europe/Paris en France)."),
    )
    venue = models.CharField(_("lieu"), max_length=200, blank=True)
    address = models.CharField(_("adresse"), max_length=250, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=10, blank=True)
    city = models.CharField(_("commune"), max_length=100, blank=True)
    latitude = models.FloatField(null=True, blank=True, validators=LATITUDE_VALIDATORS)
    longitude = models.FloatField(null=True, blank=True, validators=LONGITUDE_VALIDATORS)
    departement = models.CharField(_("département"), max_length=3, blank=True, editable=False)
    online_url = models.URLField(_("lien de visioconférence"), blank=True)
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, help_text=_("Vide : sans limite.")
    )
    registration_opens_at = models.DateTimeField(
        _("inscriptions à partir du"), null=True, blank=True
    )
    registration_closes_at = models.DateTimeField(_("inscriptions jusqu'au"), null=True, blank=True)
    questions = models.TextField(
        _("questions posées à l'inscription"),
        blank=True,
        help_text=_("Une question par ligne (régime alimentaire, atelier choisi…)."),
    )
    working_group = models.ForeignKey(
        WorkingGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("groupe de travail"),
    )
    themes = models.ManyToManyField(
        "reference.Concept",
        blank=True,
        related_name="meetings",
        verbose_name=_("thématiques"),
        limit_choices_to={"vocabulary__slug": "atlas-theme"},
    )
    # Written by every registration and cancellation before it counts the seats: the row lock
    # (PostgreSQL) or the write lock (SQLite) makes them take their turns.
    seats_changed = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("rencontre")
        verbose_name_plural = _("rencontres")
        ordering = ["-starts_at"]
        indexes = [alive_index("starts_at", "id", name="meetings_meeting_start_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gte=models.F("starts_at")),
                name="meetings_meeting_ends_after_start",
                violation_error_message=_("La fin précède le début."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:meeting_detail", args=[self.pk])

    def clean(self):
        check_end_after_start(self.starts_at, self.ends_at, end_field="ends_at")
        check_end_after_start(
            self.registration_opens_at,
            self.registration_closes_at,
            end_field="registration_closes_at",
        )

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone or DEFAULT_TIME_ZONE)

    @property
    def is_public_event(self) -> bool:
        return self.kind in self.PUBLIC_KINDS

    @property
    def question_list(self) -> list[str]:
        return [line.strip() for line in self.questions.splitlines() if line.strip()]

    def registration_state(self, now=None) -> str:
        """ "open", "not_yet", "closed" (closing passed or meeting begun)."""
        now = now or timezone.now()
        if self.registration_opens_at and now < self.registration_opens_at:
            return "not_yet"
        if (self.registration_closes_at and now > self.registration_closes_at) or (
            now >= self.starts_at
        ):
            return "closed"
        return "open"


class Session(RegistryModel):
    """A time of the programme, with its speakers."""

    staff_only = True
    public_fields = ("meeting", "starts_at", "ends_at", "title", "description", "source")
    parent_field = "meeting"

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("rencontre")
    )
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"), null=True, blank=True)
    title = models.CharField(_("titre"), max_length=250)
    description = models.TextField(_("présentation"), blank=True)
    speakers = models.ManyToManyField(
        Person, blank=True, related_name="meeting_sessions", verbose_name=_("intervenants")
    )
    speaker_organisations = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="meeting_sessions",
        verbose_name=_("organisations intervenantes"),
    )

    class Meta:
        verbose_name = _("séquence du programme")
        verbose_name_plural = _("programme")
        ordering = ["meeting", "starts_at", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return self.meeting.get_absolute_url()

    def clean(self):
        check_end_after_start(self.starts_at, self.ends_at, end_field="ends_at")


class Registration(models.Model):
    """Someone's place at a meeting. Personal data, not a registry record: seen by staff and by
    the person (through her account or the link she received); her organisation and role are
    a snapshot, since people change jobs."""

    class Status(models.TextChoices):
        AWAITING = "a_confirmer", _("Courriel à confirmer")
        CONFIRMED = "inscrit", _("Inscrit·e")
        WAITING = "attente", _("Liste d'attente")
        CANCELLED = "annule", _("Annulé")

    class Attending(models.TextChoices):
        PARTICIPANT = "participant", _("Participant·e")
        SPEAKER = "intervenant", _("Intervenant·e invité·e")
        ORGANISER = "organisation", _("Équipe organisatrice")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("rencontre")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meeting_registrations",
    )
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="registrations"
    )
    first_name = models.CharField(_("prénom"), max_length=100)
    last_name = models.CharField(_("nom"), max_length=100)
    # Blank only for people staff add by hand (a paper attendance sheet).
    email = models.EmailField(_("courriel"), blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meeting_registrations",
        verbose_name=_("organisation"),
    )
    organisation_name = models.CharField(_("organisation"), max_length=250, blank=True)
    organisation_kind = models.CharField(
        _("type d'organisation"), max_length=20, choices=Organisation.Kind.choices, blank=True
    )
    role = models.CharField(_("fonction"), max_length=200, blank=True)
    attending_as = models.CharField(
        _("au titre de"), max_length=12, choices=Attending.choices, default=Attending.PARTICIPANT
    )
    status = models.CharField(_("statut"), max_length=12, choices=Status.choices)
    answers = models.JSONField(_("réponses"), default=dict, blank=True)
    listed_publicly = models.BooleanField(
        _("apparaître sur la liste publique des participants"), default=False
    )
    consent_at = models.DateTimeField(_("consentement donné le"), null=True, blank=True)
    token = models.CharField(max_length=43, unique=True, editable=False)
    created_at = models.DateTimeField(_("inscrit·e le"), auto_now_add=True)
    seat_since = models.DateTimeField(_("place obtenue le"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("annulé le"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("présent·e (pointé le)"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("rappel envoyé le"), null=True, blank=True)
    feedback_asked_at = models.DateTimeField(_("avis demandé le"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["token"])

    class Meta:
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        ordering = ["meeting", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                "meeting",
                models.functions.Lower("email"),
                condition=~models.Q(status="annule") & ~models.Q(email=""),
                name="meetings_registration_once",
                violation_error_message=_("Cette adresse est déjà inscrite à cette rencontre."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name} — {self.meeting}"

    def save(self, *args, **kwargs):
        if not self.token:
            self.token = secrets.token_urlsafe(32)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("meetings:registration", args=[self.token])

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Feedback(models.Model):
    """A participant's answer to the short form after the meeting."""

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="feedback"
    )
    usefulness = models.PositiveSmallIntegerField(
        _("utilité de la rencontre"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("De 1 (inutile) à 5 (très utile)."),
    )
    topics_wanted = models.TextField(_("sujets souhaités pour la prochaine fois"), blank=True)
    comment = models.TextField(_("commentaire"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("avis")
        verbose_name_plural = _("avis")

    def __str__(self) -> str:
        return f"{self.registration} : {self.usefulness}/5"


class MinutesSection(RegistryModel):
    """A part of the minutes ("compte-rendu"): a debate, a presentation, or the conclusions
    ("éléments de réflexion"). Its text is Markdown; adopted glossary terms are explained."""

    staff_only = True
    public_fields = ("meeting", "order", "kind", "title", "text", "source")
    parent_field = "meeting"

    class Kind(models.TextChoices):
        SECTION = "partie", _("Partie")
        CONCLUSIONS = "conclusions", _("Éléments de réflexion")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="minutes", verbose_name=_("rencontre")
    )
    order = models.PositiveSmallIntegerField(_("ordre"), default=1)
    kind = models.CharField(_("nature"), max_length=12, choices=Kind.choices, default=Kind.SECTION)
    title = models.CharField(_("titre"), max_length=250)
    text = models.TextField(_("texte"), blank=True)

    class Meta:
        verbose_name = _("partie du compte-rendu")
        verbose_name_plural = _("compte-rendu")
        ordering = ["meeting", "order", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"{self.meeting.get_absolute_url()}#compte-rendu"


class Quote(RegistryModel):
    """Words said during the meeting, attributed to a speaker (a person of the registry, or a
    name) and her organisation."""

    staff_only = True
    public_fields = ("section", "speaker_name", "organisation", "text", "source")
    parent_field = "section"

    section = models.ForeignKey(
        MinutesSection, on_delete=models.CASCADE, related_name="quotes", verbose_name=_("partie")
    )
    speaker = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="quotes",
        verbose_name=_("personne"),
    )
    speaker_name = models.CharField(_("dit par"), max_length=200)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="quotes",
        verbose_name=_("organisation"),
    )
    text = models.TextField(_("citation"))

    class Meta:
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        ordering = ["section", "pk"]

    def __str__(self) -> str:
        return f"{self.speaker_name} : {self.text[:50]}"

    def get_absolute_url(self) -> str:
        return self.section.get_absolute_url()


class FollowUpAction(RegistryModel):
    """What a meeting decided to do next: who, by when, how far. Open actions show on the
    working group's page and on its next meeting's agenda until done."""

    staff_only = True
    public_fields = (
        "meeting",
        "working_group",
        "what",
        "responsible_organisation",
        "responsible",
        "due_on",
        "status",
        "progress",
        "source",
    )
    parent_field = "meeting"

    class Status(models.TextChoices):
        PLANNED = "prevu", _("Prévu")
        ONGOING = "en_cours", _("En cours")
        DONE = "fait", _("Fait")
        DROPPED = "abandonne", _("Abandonné")

    OPEN = (Status.PLANNED, Status.ONGOING)

    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.CASCADE,
        related_name="actions",
        verbose_name=_("décidée à la rencontre"),
    )
    working_group = models.ForeignKey(
        WorkingGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("suivie par le groupe"),
    )
    what = models.CharField(_("action"), max_length=300)
    responsible_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meeting_actions",
        verbose_name=_("organisation responsable"),
    )
    responsible = models.CharField(_("responsable"), max_length=200, blank=True)
    due_on = models.DateField(_("échéance"), null=True, blank=True)
    status = models.CharField(
        _("état"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    progress = models.PositiveSmallIntegerField(
        _("avancement (%)"), default=0, validators=[MaxValueValidator(100)]
    )

    class Meta:
        verbose_name = _("action de suivi")
        verbose_name_plural = _("actions de suivi")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.what

    def get_absolute_url(self) -> str:
        return f"{self.meeting.get_absolute_url()}#suivi"

    def clean(self):
        if self.status == self.Status.DONE:
            self.progress = 100
