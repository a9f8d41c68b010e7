from django import forms
from django.utils.translation import gettext_lazy as _

from icilabas.actors.models import Involvement


class InvolvementForm(forms.Form):
    """ "Je veux m'impliquer": what she offers and how to reach her, with her consent. The
    `website` field is a trap for robots, hidden from people (and from screen readers)."""

    ways = forms.MultipleChoiceField(
        label=_("Je souhaite"),
        choices=Involvement.Way.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Cochez au moins une façon de vous impliquer.")},
    )
    name = forms.CharField(label=_("Votre nom"), max_length=150)
    email = forms.EmailField(label=_("Votre courriel"))
    phone = forms.CharField(label=_("Téléphone (facultatif)"), max_length=30, required=False)
    postal_code = forms.CharField(
        label=_("Votre code postal (facultatif)"), max_length=5, required=False
    )
    message = forms.CharField(
        label=_("Message (facultatif)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=3000,
        required=False,
    )
    consent = forms.BooleanField(
        label=_(
            "J'accepte que mes coordonnées soient transmises à cette organisation pour qu'elle "
            "me recontacte. Je peux les effacer à tout moment avec le lien reçu par courriel."
        ),
        error_messages={"required": _("Sans votre accord, nous ne pouvons rien transmettre.")},
    )
    website = forms.CharField(
        label=_("Ne remplissez pas ce champ"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_postal_code(self):
        code = self.cleaned_data["postal_code"].strip()
        if code and not (code.isdigit() and len(code) == 5):
            raise forms.ValidationError(_("Un code postal compte cinq chiffres."))
        return code

    @property
    def is_robot(self) -> bool:
        return bool(self.data.get("website"))
