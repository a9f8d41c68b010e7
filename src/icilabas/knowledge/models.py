"""Shared knowledge: the glossary that gives the network a common language, and the
experience sheets where authorities tell what they learned."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from icilabas.actors.models import Organisation
from icilabas.core.models import AttachedDocument, PublishableRecord, RegistryModel, alive_index


class Term(PublishableRecord):
    """A word of decentralised cooperation with its agreed definition. Editors propose terms;
    staff move them from proposed to debated to adopted. Adopted terms are explained wherever
    they appear in the site's long texts (knowledge.markup)."""

    public_fields = (
        "name",
        "definition",
        "status",
        "adopted_on",
        "adopted_at",
        "related",
        "contrasted",
        "source",
    )
    staff_only_fields = ("status", "adopted_on", "adopted_at")

    class Status(models.TextChoices):
        PROPOSED = "propose", _("Proposé")
        DEBATED = "debat", _("En débat")
        ADOPTED = "adopte", _("Adopté")

    name = models.CharField(_("terme"), max_length=120)
    definition = models.TextField(
        _("définition"),
        help_text=_("Texte simple ; *italique*, **gras**, listes et liens en Markdown."),
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    adopted_on = models.DateField(_("adopté le"), null=True, blank=True)
    adopted_at = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="adopted_terms",
        verbose_name=_("adopté lors de la rencontre"),
    )
    related = models.ManyToManyField("self", blank=True, verbose_name=_("termes voisins"))
    contrasted = models.ManyToManyField(
        "self", blank=True, verbose_name=_("à ne pas confondre avec")
    )

    class Meta:
        verbose_name = _("terme du glossaire")
        verbose_name_plural = _("glossaire")
        ordering = ["name"]
        indexes = [alive_index("name", "id", name="knowledge_term_name_idx")]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                condition=models.Q(deleted_at__isnull=True),
                name="knowledge_term_unique_name",
                violation_error_message=_("Ce terme est déjà dans le glossaire."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("knowledge:term_detail", args=[self.pk])

    @property
    def is_adopted(self) -> bool:
        return self.status == self.Status.ADOPTED

    def clean(self):
        self.name = " ".join((self.name or "").split())
        if not self.name:
            raise ValidationError({"name": _("Écrivez le terme.")})
        if not (self.definition or "").strip():
            raise ValidationError({"definition": _("Écrivez sa définition.")})
        twins = Term.objects.filter(name__iexact=self.name)
        if self.pk:
            twins = twins.exclude(pk=self.pk)
        if twins.exists():
            raise ValidationError({"name": _("Ce terme est déjà dans le glossaire.")})
        if self.status == self.Status.ADOPTED and self.adopted_on is None:
            self.adopted_on = timezone.localdate()


class TermComment(models.Model):
    """A member's word in the debate on a term, before staff adopt it. A discussion rather than
    a registry record: no review, no publication; shown to logged-in members; withdrawn by its
    author or staff (kept, with its history, for the record of the debate)."""

    term = models.ForeignKey(
        Term, on_delete=models.CASCADE, related_name="comments", verbose_name=_("terme")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="term_comments",
        verbose_name=_("auteur"),
    )
    text = models.TextField(_("commentaire"), max_length=4000)
    created_at = models.DateTimeField(_("écrit le"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("retiré le"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("commentaire sur un terme")
        verbose_name_plural = _("commentaires sur les termes")
        ordering = ["term", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.term} — {self.text[:40]}"

    def clean(self):
        self.text = (self.text or "").strip()
        if not self.text:
            raise ValidationError({"text": _("Écrivez votre commentaire.")})


ACTOR_KINDS = Organisation.Kind.choices


class TermVariant(RegistryModel):
    """What one kind of actor means by the term (a région, a commune, an association…)."""

    public_fields = ("term", "actor_kind", "wording", "meaning", "source")
    parent_field = "term"

    term = models.ForeignKey(
        Term, on_delete=models.CASCADE, related_name="variants", verbose_name=_("terme")
    )
    actor_kind = models.CharField(_("pour"), max_length=20, choices=ACTOR_KINDS)
    wording = models.CharField(
        _("mot employé"), max_length=120, help_text=_("Le mot qu'emploie ce type d'acteur.")
    )
    meaning = models.TextField(_("ce qu'il y met"), blank=True)

    class Meta:
        verbose_name = _("variante d'usage")
        verbose_name_plural = _("variantes d'usage")
        ordering = ["term", "actor_kind"]

    def __str__(self) -> str:
        return f"{self.wording} ({self.get_actor_kind_display()})"

    def get_absolute_url(self) -> str:
        return self.term.get_absolute_url()


class TermTranslation(RegistryModel):
    """The term in another language, for partners there (Arabic is written right to left)."""

    public_fields = ("term", "language", "label", "definition", "source")
    parent_field = "term"

    class Language(models.TextChoices):
        ENGLISH = "en", "English"
        SPANISH = "es", "Español"
        PORTUGUESE = "pt", "Português"
        ARABIC = "ar", "العربية"

    RIGHT_TO_LEFT = {Language.ARABIC}

    term = models.ForeignKey(
        Term, on_delete=models.CASCADE, related_name="translations", verbose_name=_("terme")
    )
    language = models.CharField(_("langue"), max_length=5, choices=Language.choices)
    label = models.CharField(_("traduction"), max_length=160)
    definition = models.TextField(_("définition traduite"), blank=True)

    class Meta:
        verbose_name = _("traduction")
        verbose_name_plural = _("traductions")
        ordering = ["term", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["term", "language"],
                condition=models.Q(deleted_at__isnull=True),
                name="knowledge_termtranslation_one_per_language",
                violation_error_message=_("Ce terme a déjà une traduction dans cette langue."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.language})"

    def get_absolute_url(self) -> str:
        return self.term.get_absolute_url()

    @property
    def direction(self) -> str:
        return "rtl" if self.language in self.RIGHT_TO_LEFT else "ltr"


class ExperienceSheet(PublishableRecord):
    """What an authority learned from a project, told in a structured template so that a
    newcomer finds the same headings in every sheet."""

    # Contacts name people: for those who may change the sheet (and staff) only.
    public_fields = (
        "title",
        "organisation",
        "summary",
        "context",
        "actors",
        "what_was_done",
        "results_here",
        "results_there",
        "difficulties",
        "lessons",
        "do_differently",
        "projects",
        "foreign_authorities",
        "countries",
        "themes",
        "organisations",
        "source",
    )
    owner_lookups = ("organisation",)

    title = models.CharField(_("titre"), max_length=200)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="experience_sheets",
        verbose_name=_("rédigée par"),
    )
    summary = models.CharField(_("en une phrase"), max_length=300)
    context = models.TextField(_("contexte"), blank=True)
    actors = models.TextField(_("acteurs et rôles de chacun"), blank=True)
    what_was_done = models.TextField(_("ce qui a été fait"), blank=True)
    results_here = models.TextField(_("résultats ici"), blank=True)
    results_there = models.TextField(_("résultats là-bas"), blank=True)
    difficulties = models.TextField(_("difficultés"), blank=True)
    lessons = models.TextField(_("enseignements"), blank=True)
    do_differently = models.TextField(_("ce que nous ferions autrement"), blank=True)
    contacts = models.TextField(
        _("contacts"),
        blank=True,
        help_text=_("Visible seulement de l'équipe du réseau et des éditeurs de la fiche."),
    )
    projects = models.ManyToManyField(
        "cooperation.Project",
        blank=True,
        related_name="experience_sheets",
        verbose_name=_("projets"),
    )
    foreign_authorities = models.ManyToManyField(
        "actors.ForeignAuthority",
        blank=True,
        related_name="experience_sheets",
        verbose_name=_("autorités partenaires"),
    )
    countries = CountryField(_("pays"), multiple=True, blank=True)
    themes = models.ManyToManyField(
        "reference.Concept",
        blank=True,
        related_name="experience_sheets",
        verbose_name=_("thématiques"),
        limit_choices_to={"vocabulary__slug": "atlas-theme"},
    )
    organisations = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="cited_in_sheets",
        verbose_name=_("autres acteurs cités"),
    )

    # The template's headings, in the order a reader meets them.
    SECTIONS = (
        "context",
        "actors",
        "what_was_done",
        "results_here",
        "results_there",
        "difficulties",
        "lessons",
        "do_differently",
    )

    class Meta:
        verbose_name = _("fiche d'expérience")
        verbose_name_plural = _("fiches d'expérience")
        ordering = ["title"]
        indexes = [alive_index("title", "id", name="knowledge_sheet_title_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("knowledge:experiencesheet_detail", args=[self.pk])

    def clean(self):
        if not any((getattr(self, name) or "").strip() for name in self.SECTIONS):
            raise ValidationError(
                {"lessons": _("Remplissez au moins une rubrique, les enseignements d'abord.")}
            )


class SheetDocument(AttachedDocument):
    """A document attached to an experience sheet (a report, a convention, photos); its text
    is searched with the sheet's."""

    public_fields = ("sheet", "title", "file", "url", "dated_on", "source")
    owner_lookups = ("sheet__organisation",)
    parent_field = "sheet"
    download_route = "knowledge:sheetdocument_file"

    sheet = models.ForeignKey(
        ExperienceSheet,
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("fiche d'expérience"),
    )
    file = models.FileField(_("fichier"), upload_to="sheets/%Y/", blank=True)

    class Meta:
        verbose_name = _("document de la fiche")
        verbose_name_plural = _("documents de la fiche")
        ordering = ["sheet", "-dated_on", "pk"]

    def get_absolute_url(self) -> str:
        return self.sheet.get_absolute_url()


class Guide(PublishableRecord):
    """A method guide written by the network's staff (the seed's project approach): steps, each
    with a checklist an editor ticks for her own project."""

    public_fields = ("title", "introduction", "source")

    title = models.CharField(_("titre"), max_length=200)
    introduction = models.TextField(_("introduction"), blank=True)

    class Meta:
        verbose_name = _("guide méthodologique")
        verbose_name_plural = _("guides méthodologiques")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("knowledge:guide_detail", args=[self.pk])


class GuideStep(RegistryModel):
    """One step of a guide; its checklist holds one item a line, and it may point to the part
    of the registry that does the step."""

    public_fields = ("guide", "order", "title", "text", "checklist", "feature", "source")
    parent_field = "guide"

    class Feature(models.TextChoices):
        NONE = "", _("—")
        OTHERS_HERE = "others_here", _("Qui d'autre agit dans ce pays")
        ACTORS = "actors", _("Les acteurs du territoire")
        PARTNERSHIPS = "partnerships", _("Partenariats et engagements réciproques")
        PROJECT = "project", _("La fiche du projet (objectifs, plan d'action, retours ici)")
        SHEETS = "sheets", _("Les fiches d'expérience")

    guide = models.ForeignKey(
        Guide, on_delete=models.CASCADE, related_name="steps", verbose_name=_("guide")
    )
    order = models.PositiveSmallIntegerField(_("ordre"), default=1)
    title = models.CharField(_("étape"), max_length=200)
    text = models.TextField(_("explication"), blank=True)
    checklist = models.TextField(
        _("liste de contrôle"), blank=True, help_text=_("Un point à vérifier par ligne.")
    )
    feature = models.CharField(
        _("dans le registre"), max_length=20, choices=Feature.choices, blank=True, default=""
    )

    class Meta:
        verbose_name = _("étape du guide")
        verbose_name_plural = _("étapes du guide")
        ordering = ["guide", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"

    def get_absolute_url(self) -> str:
        return self.guide.get_absolute_url()

    @property
    def items(self) -> list[str]:
        return [line.strip() for line in self.checklist.splitlines() if line.strip()]


class StepCheck(RegistryModel):
    """A checklist item ticked for a project, by one of its editors: her own working notes, not
    a public record (no review, not on public pages)."""

    public_fields = ()
    owner_lookups = (
        "project__partnership__french_partners",
        "project__participations__organisation",
    )

    project = models.ForeignKey(
        "cooperation.Project",
        on_delete=models.CASCADE,
        related_name="step_checks",
        verbose_name=_("projet"),
    )
    step = models.ForeignKey(
        GuideStep, on_delete=models.CASCADE, related_name="checks", verbose_name=_("étape")
    )
    item = models.PositiveSmallIntegerField(_("point"))

    class Meta:
        verbose_name = _("point coché")
        verbose_name_plural = _("points cochés")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "step", "item"],
                condition=models.Q(deleted_at__isnull=True),
                name="knowledge_stepcheck_once",
                violation_error_message=_("Ce point est déjà coché pour ce projet."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.project} — {self.step} ({self.item + 1})"

    def get_absolute_url(self) -> str:
        return self.step.get_absolute_url()

    def clean(self):
        if self.step_id and self.item >= len(self.step.items):
            raise ValidationError({"item": _("Cette étape n'a pas ce point.")})
