from django import forms
from django.utils.translation import gettext_lazy as _

from icilabas.core.forms import RecordForm

from .models import (
    ExperienceSheet,
    Guide,
    GuideStep,
    SheetDocument,
    Term,
    TermComment,
    TermTranslation,
    TermVariant,
)


class TermForm(RecordForm):
    class Meta:
        model = Term
        fields = [
            "name",
            "definition",
            "related",
            "contrasted",
            "status",
            "adopted_on",
            "adopted_at",
            "source",
        ]

    def clean(self):
        cleaned = super().clean()
        related = set(cleaned.get("related") or [])
        contrasted = set(cleaned.get("contrasted") or [])
        if self.instance.pk and self.instance in related:
            self.add_error("related", _("Un terme ne peut pas être son propre voisin."))
        if self.instance.pk and self.instance in contrasted:
            self.add_error("contrasted", _("Un terme ne peut pas s'opposer à lui-même."))
        both = related & contrasted
        if both:
            names = ", ".join(sorted(str(term) for term in both))
            self.add_error(
                "contrasted",
                _("« %(names)s » ne peut pas être à la fois voisin et à ne pas confondre.")
                % {"names": names},
            )
        return cleaned


class TermVariantForm(RecordForm):
    class Meta:
        model = TermVariant
        fields = ["term", "actor_kind", "wording", "meaning", "source"]


class TermTranslationForm(RecordForm):
    class Meta:
        model = TermTranslation
        fields = ["term", "language", "label", "definition", "source"]


class ExperienceSheetForm(RecordForm):
    class Meta:
        model = ExperienceSheet
        fields = [
            "title",
            "organisation",
            "summary",
            *ExperienceSheet.SECTIONS,
            "contacts",
            "projects",
            "foreign_authorities",
            "countries",
            "themes",
            "organisations",
            "source",
        ]
        widgets = {"countries": forms.SelectMultiple(attrs={"size": 6})}


class SheetDocumentForm(RecordForm):
    class Meta:
        model = SheetDocument
        fields = ["sheet", "title", "file", "url", "dated_on", "source"]


class GuideForm(RecordForm):
    class Meta:
        model = Guide
        fields = ["title", "introduction", "source"]


class GuideStepForm(RecordForm):
    class Meta:
        model = GuideStep
        fields = ["guide", "order", "title", "text", "checklist", "feature", "source"]


class TermCommentForm(forms.ModelForm):
    class Meta:
        model = TermComment
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
