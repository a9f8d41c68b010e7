"""Shared kernel: the base every registry record inherits, and the search index.

No domain knowledge lives here.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from . import files
from .background import Progress


class AliveQuerySet(models.QuerySet):
    def deleted(self):
        return self.filter(deleted_at__isnull=False)


class AliveManager(models.Manager.from_queryset(AliveQuerySet)):
    """Default manager: soft-deleted records are invisible unless asked for."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


def alive_index(*fields: str, name: str) -> models.Index:
    """An index of live records only: list pages sort and count with it, the bin does not."""
    return models.Index(fields=list(fields), name=name, condition=models.Q(deleted_at__isnull=True))


VERSION = "record_version"  # the form field and `data` key of the version an edit started from


class RegistryModel(models.Model):
    """A record of the registry: timestamped, historised, soft-deletable, with a data source."""

    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    deleted_at = models.DateTimeField(_("supprimé le"), null=True, blank=True, editable=False)
    source = models.CharField(
        _("source des données"),
        max_length=200,
        blank=True,
        help_text=_("D'où vient l'information (compte-rendu, déclaration, import…)."),
    )

    objects = AliveManager()
    all_objects = AliveQuerySet.as_manager()
    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True

    @property
    def version(self) -> str:
        """The version forms and the API carry to refuse a save over a newer change."""
        return self.updated_at.isoformat() if self.updated_at else ""

    # ORM paths from this record to the organisations whose editors may change it (see
    # core.permissions); empty means only network staff may.
    owner_lookups: tuple[str, ...] = ()
    # The network's own records (its meetings, their programme and minutes): written by staff
    # only, where an editor could otherwise start a draft of a record no organisation owns.
    staff_only: bool = False
    # Fields only network staff may set (an editor's form does not show them).
    staff_only_fields: tuple[str, ...] = ()
    # For a link (see LinkRecord; a partnership to its partner authority too): the field naming
    # the linked record, which the link makes its organisation's only once `link_accepted`.
    link_target: str = ""
    # For a child record (a commitment, a budget line…): the field naming the published record
    # it belongs to, whose review its changes follow.
    parent_field: str = ""
    # The fields a visitor may receive, in exports and history (an allow-list, declared by every
    # model: tests/test_public_data.py checks it); the others only its editors and staff see.
    public_fields: tuple[str, ...] | None = None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class AcceptedLinkManager(AliveManager):
    """A link's default manager: proposals stay out of every page, export and count."""

    def get_queryset(self):
        return super().get_queryset().filter(link_accepted=True)


class LinkRecord(RegistryModel):
    """A record that ties an organisation to a record another organisation may own (a person's
    position, a project's participation). It makes that record its organisation's only once
    accepted: at once when made by staff or by someone who may already change the linked
    record, else as a proposal the linked record's owners or staff accept (core.services)."""

    link_accepted = models.BooleanField(_("rattachement accepté"), default=True, editable=False)

    objects = AcceptedLinkManager()
    all_objects = AliveQuerySet.as_manager()

    class Meta:
        abstract = True


class Publication(models.TextChoices):
    DRAFT = "brouillon", _("Brouillon")
    SUBMITTED = "soumis", _("Soumis à validation")
    PUBLISHED = "publie", _("Publié")
    ARCHIVED = "archive", _("Archivé")


def unpublished_index(name: str) -> models.Index:
    """The live records not (yet) published, latest change first: Mon espace lists the
    network's drafts and submissions from it without reading the published ones."""
    return models.Index(
        fields=["updated_at"],
        name=name,
        condition=models.Q(deleted_at__isnull=True) & ~models.Q(publication=Publication.PUBLISHED),
    )


class PublishableQuerySet(AliveQuerySet):
    def published(self):
        """What visitors see."""
        return self.filter(self.model.public_q())


class PublishableManager(AliveManager.from_queryset(PublishableQuerySet)):
    pass


class PublishableRecord(RegistryModel):
    """A record the public sees once staff have published it (draft → submitted → published →
    archived). Its children (commitments, budget lines…) follow it."""

    publication = models.CharField(
        _("publication"),
        max_length=10,
        choices=Publication.choices,
        default=Publication.PUBLISHED,
        db_index=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("créé par"),
    )
    confirmed_at = models.DateTimeField(
        _("dernière confirmation"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "Quand l'organisation a confirmé pour la dernière fois que la fiche est à jour."
        ),
    )

    objects = PublishableManager()
    all_objects = PublishableQuerySet.as_manager()
    # Set by core.services.update_record when an editor's change waits for review.
    pending_change = None

    class Meta:
        abstract = True

    @property
    def is_published(self) -> bool:
        return self.publication == Publication.PUBLISHED

    @classmethod
    def public_q(cls) -> models.Q:
        """The records visitors may see (a model may ask more, e.g. a person's consent)."""
        return models.Q(publication=Publication.PUBLISHED)

    @property
    def is_public(self) -> bool:
        return self.is_published


class SearchEntry(models.Model):
    """One searchable record, denormalised so a single query searches every kind.

    The `*_text` fields are lower-cased and accent-free (PostgreSQL indexes them with the `french`
    configuration, the title weighted A); the `*_stems` fields hold the same words stemmed in
    Python (SQLite's FTS5 has no French stemmer). Title and body are kept apart so that records
    whose title matches come first, and are found fast even when the body of thousands matches.
    """

    kind = models.CharField(_("type"), max_length=40)
    object_id = models.PositiveBigIntegerField()
    title = models.CharField(_("titre"), max_length=300)
    summary = models.CharField(_("résumé"), max_length=400, blank=True)
    url = models.CharField(max_length=300)
    body = models.TextField(blank=True)  # as written, for the excerpts shown with a hit
    title_text = models.TextField()
    body_text = models.TextField()
    title_stems = models.TextField()
    body_stems = models.TextField()
    country = models.CharField(_("pays"), max_length=2, blank=True)
    theme = models.CharField(_("thématique"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(_("année"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("entrée de recherche")
        verbose_name_plural = _("entrées de recherche")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id"], name="core_searchentry_unique_object"
            )
        ]
        # What a search reads of each match besides the full-text index (kind, facets, title
        # for ties), in an index: SQLite need not step over the long texts stored in the row.
        indexes = [
            models.Index(
                fields=["id", "kind", "country", "theme", "year", "title"],
                name="core_searchentry_facets",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id} {self.title}"


class PendingChange(models.Model):
    """An editor's change to a published record, waiting for staff review.

    The public keeps seeing the published values until staff apply it; `values` holds only the
    fields the editor changed, as strings (see core.services)."""

    class State(models.TextChoices):
        PENDING = "en_attente", _("En attente")
        APPLIED = "appliquee", _("Appliquée")
        REJECTED = "refusee", _("Refusée")

    class Action(models.TextChoices):
        CREATE = "creation", _("Ajout")
        CHANGE = "modification", _("Modification")
        ARCHIVE = "archivage", _("Archivage")
        DELETE = "suppression", _("Mise à la corbeille")

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    # None for a child record whose addition waits (its values are all in `values`).
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    # Archiving or binning a published record is reviewed like a change of its fields.
    action = models.CharField(
        _("demande"), max_length=12, choices=Action.choices, default=Action.CHANGE
    )
    values = models.JSONField(_("valeurs proposées"), default=dict, blank=True)
    reason = models.CharField(_("motif"), max_length=200, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("proposée par"),
    )
    proposed_at = models.DateTimeField(_("proposée le"), default=timezone.now)
    state = models.CharField(
        _("état"), max_length=10, choices=State.choices, default=State.PENDING, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("décidée par"),
    )
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    note = models.CharField(_("note de l'équipe"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("modification proposée")
        verbose_name_plural = _("modifications proposées")
        ordering = ["proposed_at"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="core_pending_object")]

    def __str__(self) -> str:
        return f"{self.content_type.model}:{self.object_id} ({self.get_state_display()})"

    # The live record (None once it is in the bin, or for an addition still waiting);
    # prefetchable on the moderation page.
    record = GenericForeignKey("content_type", "object_id")

    @property
    def subject(self) -> str:
        """What the proposal is about, in words, even before an addition exists."""
        if self.record is not None:
            return str(self.record)
        return str(self.content_type.model_class()._meta.verbose_name)


class SpreadsheetImport(models.Model):
    """A big spreadsheet checked, then imported, in the background (small ones are checked
    and imported within the request): validating one row through its form takes 5–10 ms, so
    a 20,000-row file takes minutes either way."""

    class State(models.TextChoices):
        CHECKING = "verification", _("Vérification en cours")
        CHECKED = "verifiee", _("Vérifié, en attente de confirmation")
        RUNNING = "en_cours", _("En cours")
        DONE = "terminee", _("Terminé")
        REFUSED = "refusee", _("Refusé, rien importé")
        FAILED = "echec", _("Interrompu par une erreur")

    title = models.CharField(_("fiches importées"), max_length=100)
    list_url = models.CharField(max_length=200)
    import_url = models.CharField(max_length=200, blank=True)
    token = models.CharField(_("fichier déposé"), max_length=80, blank=True)
    preview = models.JSONField(_("vérification"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("lancé par"),
    )
    created_at = models.DateTimeField(_("lancé le"), default=timezone.now)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    state = models.CharField(_("état"), max_length=12, choices=State.choices, default=State.RUNNING)
    total = models.PositiveIntegerField(_("lignes"), default=0)
    counts = models.JSONField(_("résultat"), default=dict, blank=True)
    message = models.CharField(_("message"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("import de tableur")
        verbose_name_plural = _("imports de tableur")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Import de {self.title} ({self.get_state_display()})"

    @property
    def progress(self) -> Progress:
        return Progress(f"tableur-{self.pk}")

    @property
    def is_working(self) -> bool:
        return self.state in (self.State.CHECKING, self.State.RUNNING)


class ImportedRecord(models.Model):
    """What a spreadsheet import written in short transactions (SQLite) has committed so far,
    written in the same transaction as the rows: enough to take the file back if a later row
    fails or the worker dies midway, so that the file stays all or nothing."""

    job = models.ForeignKey(SpreadsheetImport, on_delete=models.CASCADE, related_name="written")
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    # None for a record the import created; else its values before the import
    # (`core.services.stored_state`).
    before = models.JSONField(null=True)
    # Its `updated_at` once written: a later value means someone changed it since.
    written_at = models.DateTimeField()

    class Meta:
        verbose_name = _("fiche écrite par un import")
        verbose_name_plural = _("fiches écrites par un import")

    def __str__(self) -> str:
        return f"{self.content_type_id}#{self.object_id} ({self.job_id})"


class WorkerHeartbeat(models.Model):
    """A worker process says it is alive (core.jobs): a task whose worker fell silent is run
    again, and /healthz reports the last word."""

    worker_id = models.CharField(_("travailleur"), max_length=64, primary_key=True)
    host = models.CharField(_("machine"), max_length=255)
    pid = models.PositiveIntegerField(_("processus"))
    started_at = models.DateTimeField(_("démarré le"), default=timezone.now)
    last_seen = models.DateTimeField(_("dernier signe de vie"), default=timezone.now)

    class Meta:
        verbose_name = _("signe de vie d'un travailleur")
        verbose_name_plural = _("signes de vie des travailleurs")

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.host}:{self.pid})"


class ScheduledRun(models.Model):
    """When a recurring job (core.jobs.every) is next due: workers claim it with one
    conditional UPDATE, so it runs once however many workers there are."""

    name = models.CharField(_("tâche planifiée"), max_length=100, primary_key=True)
    next_run_at = models.DateTimeField(_("prochaine exécution"))
    last_run_at = models.DateTimeField(_("dernière exécution"), null=True, blank=True)

    class Meta:
        verbose_name = _("tâche planifiée")
        verbose_name_plural = _("tâches planifiées")

    def __str__(self) -> str:
        return self.name


class AttachedDocument(RegistryModel):
    """A file (or a link) attached to a record: a convention, a report, a photo. The file is
    checked from its content when sent, handed out only to those who may see the record
    (`download_route`), and its text is extracted in the background for search."""

    download_route = ""  # the URL name of the view handing out the file

    title = models.CharField(_("titre"), max_length=250)
    file = models.FileField(_("fichier"), upload_to="documents/%Y/", blank=True)
    url = models.URLField(_("lien"), blank=True)
    dated_on = models.DateField(_("date"), null=True, blank=True)
    text = models.TextField(_("texte extrait"), blank=True, editable=False)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if not self.file and not self.url:
            raise ValidationError({"url": _("Joignez un fichier ou indiquez un lien.")})
        if self.file and not self.file._committed:  # a file sent now
            try:
                files.check_document(self.file.file)
            except files.UnsafeFile as error:
                raise ValidationError({"file": str(error)}) from error

    @property
    def download_url(self) -> str:
        return reverse(self.download_route, args=[self.pk])
