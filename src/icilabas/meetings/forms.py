from datetime import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from icilabas.actors.models import Organisation
from icilabas.core.forms import RecordForm

from .models import (
    DEFAULT_TIME_ZONE,
    FollowUpAction,
    Meeting,
    MinutesSection,
    Quote,
    Session,
    WorkingGroup,
    check_time_zone,
)


class ZonedTimesForm(RecordForm):
    """Times typed and shown in the meeting's own time zone (a study day in Pessac at 10:00,
    an online session from Dakar at 10:00 Dakar time), whatever the server's zone."""

    zoned_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.zoned_fields:
            self.fields[name].widget = forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            )
            value = getattr(self.instance, name, None) if self.instance.pk else None
            if value is not None:
                self.initial[name] = timezone.localtime(value, self.zone()).replace(tzinfo=None)

    def zone(self):
        return getattr(self.instance, "zone", None) or ZoneInfo(DEFAULT_TIME_ZONE)

    def clean(self):
        cleaned = super().clean()
        zone = self.zone_from(cleaned)
        if zone is None:
            return cleaned
        for name in self.zoned_fields:
            value = cleaned.get(name)
            if isinstance(value, datetime):
                # Django read it in the server's zone: the same wall-clock time, in the meeting's.
                naive = timezone.localtime(value).replace(tzinfo=None)
                cleaned[name] = naive.replace(tzinfo=zone)
        return cleaned

    def zone_from(self, cleaned):
        return self.zone()


class MeetingForm(ZonedTimesForm):
    zoned_fields = ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at")

    class Meta:
        model = Meeting
        fields = [
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
            "questions",
            "working_group",
            "themes",
            "source",
        ]

    def zone_from(self, cleaned):
        name = cleaned.get("time_zone") or DEFAULT_TIME_ZONE
        try:
            check_time_zone(name)
        except forms.ValidationError as error:
            self.add_error("time_zone", error)
            return None  # times are not read in a zone unknown
        return ZoneInfo(name)


class SessionForm(ZonedTimesForm):
    zoned_fields = ("starts_at", "ends_at")

    class Meta:
        model = Session
        fields = [
            "meeting",
            "starts_at",
            "ends_at",
            "title",
            "description",
            "speakers",
            "speaker_organisations",
            "source",
        ]

    def zone(self):
        meeting = getattr(self.instance, "meeting", None) if self.instance.meeting_id else None
        return meeting.zone if meeting else super().zone()

    def zone_from(self, cleaned):
        meeting = cleaned.get("meeting")
        return meeting.zone if meeting else self.zone()


class MinutesSectionForm(RecordForm):
    class Meta:
        model = MinutesSection
        fields = ["meeting", "order", "kind", "title", "text", "source"]


class QuoteForm(RecordForm):
    class Meta:
        model = Quote
        fields = ["section", "speaker", "speaker_name", "organisation", "text", "source"]


class FollowUpActionForm(RecordForm):
    class Meta:
        model = FollowUpAction
        fields = [
            "meeting",
            "working_group",
            "what",
            "responsible_organisation",
            "responsible",
            "due_on",
            "status",
            "progress",
            "source",
        ]


class WorkingGroupForm(RecordForm):
    class Meta:
        model = WorkingGroup
        fields = ["name", "purpose", "organisations", "themes", "is_active", "source"]


class RegistrationForm(forms.Form):
    """Two clicks for a member (her details pre-filled); a visitor of a public event types
    them. `website` is a trap for robots: people never see it (hidden by CSS)."""

    first_name = forms.CharField(label=_("Prénom"), max_length=100)
    last_name = forms.CharField(label=_("Nom"), max_length=100)
    email = forms.EmailField(label=_("Courriel"))
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), required=False
    )
    organisation_name = forms.CharField(
        label=_("Organisation (si elle n'est pas dans la liste)"), max_length=250, required=False
    )
    role = forms.CharField(label=_("Fonction"), max_length=200, required=False)
    listed_publicly = forms.BooleanField(
        label=_(
            "J'accepte d'apparaître (nom, organisation) sur la liste publique des participants"
        ),
        required=False,
    )
    consent = forms.BooleanField(
        label=_(
            "J'accepte que ces informations servent à organiser la rencontre (liste des "
            "participants pour l'équipe, courriels de confirmation et de rappel)."
        ),
        required=True,
    )
    website = forms.CharField(label=_("Ne pas remplir"), required=False)

    def __init__(self, *args, meeting: Meeting, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["website"].widget.attrs.update(
            {"autocomplete": "off", "tabindex": "-1", "class": "trap"}
        )
        self.questions = meeting.question_list
        for number, question in enumerate(self.questions):
            self.fields[f"question_{number}"] = forms.CharField(
                label=question, max_length=500, required=False
            )

    def answers(self) -> dict:
        return {
            question: self.cleaned_data.get(f"question_{number}", "").strip()
            for number, question in enumerate(self.questions)
            if self.cleaned_data.get(f"question_{number}", "").strip()
        }


class FeedbackForm(forms.Form):
    usefulness = forms.TypedChoiceField(
        label=_("La rencontre vous a-t-elle été utile ?"),
        choices=[(n, f"{n}") for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("De 1 (pas du tout) à 5 (tout à fait)."),
    )
    topics_wanted = forms.CharField(
        label=_("Quels sujets voudriez-vous aborder la prochaine fois ?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )
    comment = forms.CharField(
        label=_("Un commentaire ?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )


class InviteForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=_("Les éditeurs de tous les acteurs de type"),
        choices=Organisation.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    working_group = forms.ModelChoiceField(
        label=_("Et les membres du groupe de travail"),
        queryset=WorkingGroup.objects.all(),
        required=False,
    )
    note = forms.CharField(
        label=_("Mot d'accompagnement"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=3000,
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("kinds") and not cleaned.get("working_group"):
            raise forms.ValidationError(_("Choisissez au moins un type d'acteur ou un groupe."))
        return cleaned
