"""Decisions people take about look-alike projects, remembered so the pair is not shown again."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from icilabas.core.background import Progress
from icilabas.core.models import RegistryModel


class MatchDecision(RegistryModel):
    """What an editor said of two projects the detector found alike."""

    public_fields = ()  # the network's own bookkeeping

    class Decision(models.TextChoices):
        DIFFERENT = "different", _("Projets différents")
        RELATED = "related", _("Projets liés (synergie)")

    project_a = models.ForeignKey(
        "cooperation.Project", on_delete=models.CASCADE, related_name="+", verbose_name=_("projet")
    )
    project_b = models.ForeignKey(
        "cooperation.Project",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("projet comparé"),
    )
    decision = models.CharField(_("décision"), max_length=10, choices=Decision.choices)

    class Meta:
        verbose_name = _("décision sur des projets semblables")
        verbose_name_plural = _("décisions sur des projets semblables")
        constraints = [
            models.UniqueConstraint(
                fields=["project_a", "project_b"],
                condition=models.Q(deleted_at__isnull=True),
                name="matching_matchdecision_unique_pair",
                violation_error_message=_("Une décision existe déjà pour ces deux projets."),
            ),
            models.CheckConstraint(
                condition=models.Q(project_a__lt=models.F("project_b")),
                name="matching_matchdecision_ordered_pair",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_a} / {self.project_b} : {self.get_decision_display()}"

    def get_absolute_url(self) -> str:
        return self.project_a.get_absolute_url()

    def clean(self):
        if self.project_a_id and self.project_a_id == self.project_b_id:
            raise ValidationError(_("Un projet ne peut pas être comparé à lui-même."))
        if self.project_a_id and self.project_b_id and self.project_a_id > self.project_b_id:
            self.project_a, self.project_b = self.project_b, self.project_a


class DuplicateCandidate(models.Model):
    """A pair the last registry scan judged likely to be the same project, awaiting review.

    Derived data: each scan replaces the table, so it has no history of its own; what people
    decide is kept as a MatchDecision.
    """

    project_a = models.ForeignKey(
        "cooperation.Project", on_delete=models.CASCADE, related_name="+", verbose_name=_("projet")
    )
    project_b = models.ForeignKey(
        "cooperation.Project",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("projet semblable"),
    )
    probability = models.FloatField(_("probabilité"))
    reasons = models.TextField(_("raisons"), blank=True)
    cluster = models.PositiveIntegerField(
        _("groupe"),
        default=0,
        # xgettext:no-python-format
        help_text=_("Groupe de paires quasi certaines (90 % et plus)."),
    )
    weak_bridge = models.BooleanField(
        _("pont faible"),
        default=False,
        help_text=_(
            "Paire moins sûre qui rattacherait un projet à un groupe, ou relierait deux groupes."
        ),
    )
    scanned_at = models.DateTimeField(_("analysé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("doublon probable")
        verbose_name_plural = _("doublons probables")
        ordering = ["-probability", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project_a", "project_b"], name="matching_duplicatecandidate_unique_pair"
            )
        ]

    def __str__(self) -> str:
        return f"{self.project_a} / {self.project_b} ({self.probability:.0%})"

    @property
    def percent(self) -> int:
        return round(self.probability * 100)


class LinkedRecordMerge(RegistryModel):
    """A record merged into another, with what moved so that it can be undone: {"app.Model":
    [pk, …]} of records whose link moved to the kept one, and of those put in the bin because the
    kept one already had the same (a role in a project)."""

    public_fields = ()

    moved = models.JSONField(_("fiches rattachées déplacées"), default=dict, blank=True)
    binned = models.JSONField(_("doublons mis à la corbeille"), default=dict, blank=True)
    filled_fields = models.JSONField(_("champs complétés"), default=list, blank=True)
    undone_at = models.DateTimeField(_("annulée le"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.absorbed} → {self.kept}"

    def get_absolute_url(self) -> str:
        return self.kept.get_absolute_url()


class ProjectMerge(LinkedRecordMerge):
    """Two records of one project merged into one; also the SDGs it added."""

    kept = models.ForeignKey(
        "cooperation.Project",
        on_delete=models.CASCADE,
        related_name="merges",
        verbose_name=_("projet conservé"),
    )
    absorbed = models.ForeignKey(
        "cooperation.Project",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("projet fusionné"),
    )
    added_sdgs = models.JSONField(_("ODD ajoutés"), default=list, blank=True)

    class Meta(LinkedRecordMerge.Meta):
        verbose_name = _("fusion de projets")
        verbose_name_plural = _("fusions de projets")


class ScanRun(models.Model):
    """One scan of the whole registry, started by staff from the review queue."""

    class State(models.TextChoices):
        RUNNING = "en_cours", _("En cours")
        DONE = "terminee", _("Terminée")
        FAILED = "echec", _("Interrompue par une erreur")

    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("lancée par"),
    )
    started_at = models.DateTimeField(_("lancée le"), default=timezone.now)
    finished_at = models.DateTimeField(_("terminée le"), null=True, blank=True)
    state = models.CharField(_("état"), max_length=10, choices=State.choices, default=State.RUNNING)
    result = models.JSONField(_("résultat"), default=dict)

    class Meta:
        verbose_name = _("analyse du registre")
        verbose_name_plural = _("analyses du registre")
        ordering = ["-started_at"]
        constraints = [
            # One scan at a time, whoever asks at the same moment (matching.services.claim_scan).
            models.UniqueConstraint(
                fields=["state"],
                condition=models.Q(state="en_cours"),
                name="matching_scanrun_one_running",
            )
        ]

    def __str__(self) -> str:
        return f"Analyse du {self.started_at:%d/%m/%Y %H:%M} ({self.get_state_display()})"

    @property
    def progress(self) -> Progress:
        return Progress(f"scan-{self.pk}")


class OrganisationMerge(LinkedRecordMerge):
    """One organisation merged into another; also the partnerships whose French side changed
    and the memberships moved over."""

    kept = models.ForeignKey(
        "actors.Organisation",
        on_delete=models.CASCADE,
        related_name="merges",
        verbose_name=_("organisation conservée"),
    )
    absorbed = models.ForeignKey(
        "actors.Organisation",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organisation fusionnée"),
    )
    partnerships = models.JSONField(_("partenariats"), default=list, blank=True)
    memberships = models.JSONField(_("appartenances déplacées"), default=list, blank=True)

    class Meta(LinkedRecordMerge.Meta):
        verbose_name = _("fusion d'organisations")
        verbose_name_plural = _("fusions d'organisations")


class PartnershipMerge(LinkedRecordMerge):
    """One partnership (convention) merged into another; also the French partners it added."""

    kept = models.ForeignKey(
        "cooperation.Partnership",
        on_delete=models.CASCADE,
        related_name="merges",
        verbose_name=_("partenariat conservé"),
    )
    absorbed = models.ForeignKey(
        "cooperation.Partnership",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("partenariat fusionné"),
    )
    added_partners = models.JSONField(_("partenaires français ajoutés"), default=list, blank=True)

    class Meta(LinkedRecordMerge.Meta):
        verbose_name = _("fusion de partenariats")
        verbose_name_plural = _("fusions de partenariats")
