"""Optional second factor (TOTP, django-otp): after the password, a 6-digit code from an app.

The password step does not log in a user who has a confirmed device: it remembers who passed it
in the session, and only a valid code logs her in."""

import base64
import io

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import LoginView
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from . import services
from .forms import LoginForm

PENDING_USER = "icilabas_2fa_user"
PENDING_BACKEND = "icilabas_2fa_backend"
PENDING_NEXT = "icilabas_2fa_next"
CANDIDATE_KEY = "icilabas_2fa_candidate_key"  # the key shown while she sets her app up


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code à 6 chiffres"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def confirmed_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


class PasswordStepLoginView(LoginView):
    authentication_form = LoginForm

    def form_valid(self, form):
        user = form.get_user()
        if confirmed_device(user) is None:
            return super().form_valid(form)
        self.request.session[PENDING_USER] = user.pk
        self.request.session[PENDING_BACKEND] = user.backend
        self.request.session[PENDING_NEXT] = self.get_success_url()
        return HttpResponseRedirect(reverse("members:login_code"))


class CodeStepView(FormView):
    template_name = "members/login_code.html"
    form_class = CodeForm

    def dispatch(self, request, *args, **kwargs):
        pk = request.session.get(PENDING_USER)
        self.user = get_user_model().objects.filter(pk=pk, is_active=True).first() if pk else None
        if self.user is None:
            return HttpResponseRedirect(reverse("login"))
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        device = confirmed_device(self.user)
        if device is None or not device.verify_token(form.cleaned_data["code"]):
            form.add_error(
                "code",
                gettext(
                    "Code incorrect ou expiré. Après plusieurs erreurs, l'attente entre deux "
                    "essais s'allonge."
                ),
            )
            return self.form_invalid(form)
        backend = self.request.session.pop(PENDING_BACKEND)
        target = self.request.session.pop(PENDING_NEXT, "")
        self.request.session.pop(PENDING_USER)
        login(self.request, self.user, backend=backend)
        safe = url_has_allowed_host_and_scheme(target, {self.request.get_host()})
        return HttpResponseRedirect(target if safe and target else reverse("portal:home"))


def qr_svg(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


class TwoFactorSetupView(LoginRequiredMixin, TemplateView):
    """Turn the second factor on (scan, type a code) or off (type a code)."""

    template_name = "members/two_factor.html"

    def device(self) -> TOTPDevice:
        """Her confirmed device, else the one she is setting up: its key is kept in her session,
        and nothing is stored until she types a code (a GET writes nothing)."""
        device = confirmed_device(self.request.user)
        if device is None:
            key = self.request.session.setdefault(CANDIDATE_KEY, random_hex())
            device = TOTPDevice(
                user=self.request.user, key=key, name="Application", confirmed=False
            )
        return device

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        device = self.device()
        context.update(
            device=device,
            form=kwargs.get("form") or CodeForm(),
            secret=base64.b32encode(device.bin_key).decode(),
            # Our own SVG, made from the device's otpauth:// address: no user text in it.
            qr=mark_safe(qr_svg(device.config_url)) if not device.confirmed else "",
        )
        return context

    def post(self, request):
        device = self.device()
        form = CodeForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        code = form.cleaned_data["code"]
        if device.confirmed:
            done = services.turn_off_two_factor(device=device, code=code)
        else:
            done = services.turn_on_two_factor(user=request.user, key=device.key, code=code)
        if not done:
            form.add_error("code", _("Code incorrect : vérifiez l’heure de votre téléphone."))
            return self.render_to_response(self.get_context_data(form=form), status=400)
        if device.confirmed:
            messages.success(request, gettext("La double authentification est désactivée."))
        else:
            request.session.pop(CANDIDATE_KEY, None)
            messages.success(
                request,
                gettext(
                    "La double authentification est activée : un code vous sera demandé "
                    "à chaque connexion."
                ),
            )
        return HttpResponseRedirect(reverse("members:home"))
