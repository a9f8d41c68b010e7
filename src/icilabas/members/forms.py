from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from icilabas.actors.models import Organisation
from icilabas.core import permissions
from icilabas.core.pickers import RecordPicker

from .models import Role


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Courriel de la personne invitée"))
    organisation = forms.ModelChoiceField(
        # For staff, any organisation of the registry: a searchable picker that, beyond a few
        # hundred, holds only the chosen one (4,000 options cost Mon espace 400 ms, then 100 ms
        # rendered in one pass, at 100,000 projects).
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        widget=RecordPicker,
    )
    role = forms.ChoiceField(label=_("Rôle"), choices=Role.choices, initial=Role.EDITOR)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = Organisation.objects.only("pk", "name").order_by("name")
        if not permissions.is_staff(user):
            organisations = organisations.filter(
                pk__in=permissions.organisation_ids(user, admin_only=True)
            )
        self.fields["organisation"].queryset = organisations


class AcceptInvitationForm(forms.Form):
    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    last_name = forms.CharField(label=_("Nom"), max_length=150)
    password1 = forms.CharField(
        label=_("Mot de passe"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Au moins 8 caractères, pas uniquement des chiffres, pas trop courant."),
    )
    password2 = forms.CharField(
        label=_("Mot de passe (confirmation)"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", _("Les deux mots de passe ne sont pas identiques."))
        return cleaned


class LoginForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Courriel ou identifiant")
