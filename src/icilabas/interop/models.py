"""Imports run in the background: who started them, how far they got, what they reported."""

from functools import cached_property
from pathlib import Path

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from icilabas.core.background import Progress

from .iati import LEVEL_LABELS


class ImportJob(models.Model):
    """One uploaded IATI file and its import. While it runs, progress is kept in a small file
    beside the upload (readable by any web process); the report lands here at the end."""

    class State(models.TextChoices):
        WAITING = "en_attente", _("En attente")
        RUNNING = "en_cours", _("En cours")
        DONE = "terminee", _("Terminé")
        REFUSED = "refusee", _("Refusé, rien importé")
        FAILED = "echec", _("Interrompu par une erreur")

    original_name = models.CharField(_("fichier"), max_length=255)
    stored_name = models.CharField(max_length=100, editable=False)
    size = models.PositiveBigIntegerField(_("taille (octets)"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("lancé par"),
    )
    created_at = models.DateTimeField(_("lancé le"), default=timezone.now)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    state = models.CharField(_("état"), max_length=12, choices=State.choices, default=State.WAITING)
    total = models.PositiveIntegerField(_("activités dans le fichier"), default=0)
    created = models.PositiveIntegerField(_("créées"), default=0)
    updated = models.PositiveIntegerField(_("mises à jour"), default=0)
    problems = models.JSONField(_("problèmes"), default=list)
    valid_only = models.BooleanField(
        _("activités valides seulement"),
        default=False,
        help_text=_("Les activités en erreur sont écartées, les autres importées."),
    )

    class Meta:
        verbose_name = _("import IATI")
        verbose_name_plural = _("imports IATI")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_state_display()})"

    def get_absolute_url(self) -> str:
        return reverse("interop:iati_job", args=[self.pk])

    @staticmethod
    def folder() -> Path:
        return Path(settings.MEDIA_ROOT) / "imports" / "iati"

    @property
    def path(self) -> Path:
        return self.folder() / self.stored_name

    WRITING = "writing"  # the progress step once the file is checked whole (SQLite)

    @property
    def progress(self) -> Progress:
        return Progress(f"iati-{self.pk}")

    @cached_property
    def _progress_now(self) -> dict:
        """The progress file, read once per page however many times the page shows it."""
        return self.progress.read()

    @property
    def processed(self) -> int:
        """Activities read so far, or written once the file is checked whole (SQLite), from
        the progress file while running."""
        if self.state != self.State.RUNNING:
            return self.total if self.state == self.State.DONE else 0
        return self._progress_now["done"]

    @property
    def writing(self) -> bool:
        """The file is read and checked; its activities are being written (SQLite)."""
        return self.state == self.State.RUNNING and self._progress_now["step"] == self.WRITING

    @property
    def report(self) -> list[tuple]:
        """(level, its label in the reader's language, line, message) of each problem kept."""
        return [
            (level, LEVEL_LABELS.get(level, level), line, message)
            for level, line, message in self.problems
        ]

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.REFUSED, self.State.FAILED)


class IatiActivityData(models.Model):
    """What an imported IATI activity says beyond the registry's fields (narratives in every
    language, organisations, countries and sectors with percentages, locations, budgets,
    transactions), written back as it was on export. The file's own data: replaced whole at
    each re-import, so kept apart from the project and its history."""

    project = models.OneToOneField(
        "cooperation.Project",
        on_delete=models.CASCADE,
        related_name="iati_source",
        verbose_name=_("projet"),
    )
    data = models.JSONField(_("données IATI d'origine"), default=dict)
    imported_at = models.DateTimeField(_("importé le"), default=timezone.now)

    class Meta:
        verbose_name = _("données IATI d'origine")
        verbose_name_plural = _("données IATI d'origine")

    def __str__(self) -> str:
        return f"IATI {self.project_id}"
