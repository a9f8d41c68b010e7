from django import forms
from django.db.models import IntegerField
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from icilabas.actors.models import Organisation
from icilabas.core.forms import RecordForm

from .models import (
    ActionStep,
    BudgetLine,
    Commitment,
    LocalImpact,
    Participation,
    Partnership,
    PartnershipDocument,
    Project,
    ProjectLocation,
    SecondaryTheme,
)


class PartnershipForm(RecordForm):
    """On creation, also what each side commits to, one commitment per line
    (`PartnershipServices.create` records them); later, each is a record of its own."""

    commitments_here = forms.CharField(
        label=_("Engagements d'ici"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Ce que les partenaires français s'engagent à faire : un engagement par ligne."
        ),
    )
    commitments_there = forms.CharField(
        label=_("Engagements de là-bas"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ce que l'autorité partenaire s'engage à faire : un engagement par ligne."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["commitments_here"], self.fields["commitments_there"]

    class Meta:
        model = Partnership
        fields = [
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
        ]


class CommitmentForm(RecordForm):
    class Meta:
        model = Commitment
        fields = ["partnership", "side", "text", "status", "due_on", "order"]


class PartnershipDocumentForm(RecordForm):
    class Meta:
        model = PartnershipDocument
        fields = ["partnership", "title", "file", "url", "dated_on"]


class ProjectForm(RecordForm):
    # Decisions taken in the look-alike panel, stored with the project (see ProjectServices).
    not_duplicate_of = forms.ModelMultipleChoiceField(
        queryset=Project.objects.all(), required=False, widget=forms.MultipleHiddenInput
    )
    related_to = forms.ModelMultipleChoiceField(
        queryset=Project.objects.all(), required=False, widget=forms.MultipleHiddenInput
    )
    lead_organisation = forms.ModelChoiceField(
        label=_("Organisation pilote"),
        queryset=Organisation.objects.all(),
        required=False,
        help_text=_("Pour un projet hors partenariat : l'organisation qui le porte."),
    )

    class Meta:
        model = Project
        fields = [
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
            "source",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partnership"].queryset = Partnership.objects.select_related(
            "foreign_authority"
        )
        for name in ("primary_theme", "dac_sector"):
            self.fields[name].queryset = self.fields[name].queryset.filter(is_active=True)
        # The 17 goals as boxes in their own order (1, 2 … 17), not a list sorted 1, 10, 11.
        sdgs = self.fields["sdgs"]
        sdgs.queryset = sdgs.queryset.annotate(number=Cast("code", IntegerField())).order_by(
            "number"
        )
        sdgs.widget = forms.CheckboxSelectMultiple(choices=sdgs.choices)
        if self.instance.pk:  # the lead of an existing project is a participation of its own
            del self.fields["lead_organisation"]


class SecondaryThemeForm(RecordForm):
    class Meta:
        model = SecondaryTheme
        fields = ["project", "theme", "rank"]


class ProjectLocationForm(RecordForm):
    class Meta:
        model = ProjectLocation
        fields = ["project", "name", "country", "latitude", "longitude"]


class ActionStepForm(RecordForm):
    class Meta:
        model = ActionStep
        fields = ["project", "title", "owner", "start_on", "end_on", "status"]


class ParticipationForm(RecordForm):
    class Meta:
        model = Participation
        fields = ["project", "organisation", "role"]


class BudgetLineForm(RecordForm):
    class Meta:
        model = BudgetLine
        fields = [
            "project",
            "label",
            "amount",
            "currency",
            "year",
            "cofinancer",
            "cofinancer_name",
            "channel",
        ]


class LocalImpactForm(RecordForm):
    class Meta:
        model = LocalImpact
        fields = ["project", "category", "text", "people_reached", "events_count", "year"]
