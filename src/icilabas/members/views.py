"""A member's own page, invitations, and the page an invitee lands on."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext
from django.views import View
from django.views.generic import FormView, TemplateView

from icilabas.actors import services as actor_services
from icilabas.actors.models import Involvement
from icilabas.core import contributions, links, permissions

from . import selectors, services
from .forms import AcceptInvitationForm, InvitationForm
from .models import Membership

MEMBERS_PAGE_SIZE = 50
OFFERS_PAGE_SIZE = 20


class MemberHomeView(LoginRequiredMixin, TemplateView):
    template_name = "members/home.html"

    def get_context_data(self, **kwargs):
        with permissions.reading_only():
            permissions.remember_editable(self.request.user, selectors.WORK_MODELS)
            return self._dashboard(**kwargs)

    def _dashboard(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        managed = selectors.managed_memberships(user=user)
        page = Paginator(managed, MEMBERS_PAGE_SIZE).get_page(self.request.GET.get("page"))
        context.update(
            **selectors.my_lists(user=user),
            memberships=Membership.objects.filter(user=user).select_related("organisation"),
            link_proposals=links.proposals_to_decide(user),
            links_made=links.proposals_made(user),
            offers_page=Paginator(
                selectors.involvement_offers(user=user), OFFERS_PAGE_SIZE
            ).get_page(self.request.GET.get("offres")),
            managed_page=page,
            invitations=selectors.pending_invitations(user=user)[:MEMBERS_PAGE_SIZE],
            invite_form=kwargs.get("invite_form") or InvitationForm(user=user),
            can_invite=permissions.is_staff(user)
            or bool(permissions.organisation_ids(user, admin_only=True)),
            proposals=selectors.my_proposals(user=user),
            conventions_ending=selectors.my_conventions_ending(user=user),
            figures=selectors.network_figures() if permissions.is_staff(user) else None,
            added_sections=contributions.dashboard_sections(viewer=user),
        )
        return context


class InviteView(LoginRequiredMixin, View):
    def post(self, request):
        form = InvitationForm(request.POST, user=request.user)
        if not form.is_valid():
            view = MemberHomeView(request=request, kwargs={})
            context = view.get_context_data(invite_form=form)
            return view.render_to_response(context, status=400)
        invitation = services.invite(
            organisation=form.cleaned_data["organisation"],
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
            user=request.user,
            site_url=request.build_absolute_uri("/"),
        )
        messages.success(
            request, gettext("Invitation envoyée à %(email)s.") % {"email": invitation.email}
        )
        return HttpResponseRedirect(reverse("members:home"))


class InvolvementActionView(LoginRequiredMixin, View):
    """Mark a visitor's offer as answered, or erase it (her personal data) for good."""

    def post(self, request, pk: int, action: str):
        if action not in {"effacer", "traitee"}:
            raise Http404
        involvement = get_object_or_404(Involvement.objects.select_related("organisation"), pk=pk)
        if action == "effacer":
            actor_services.erase_involvement(involvement=involvement, user=request.user)
            messages.success(request, gettext("La proposition et ses coordonnées sont effacées."))
        else:
            actor_services.mark_involvement_answered(involvement=involvement, user=request.user)
            messages.success(request, gettext("Proposition marquée comme traitée."))
        return HttpResponseRedirect(reverse("members:home") + "#offers")


class RemoveMembershipView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        membership = get_object_or_404(
            Membership.objects.select_related("user", "organisation"), pk=pk
        )
        services.remove_membership(membership=membership, user=request.user)
        messages.success(
            request,
            gettext("%(person)s n’est plus membre de « %(organisation)s ».")
            % {
                "person": membership.user.get_full_name() or membership.user.email,
                "organisation": membership.organisation,
            },
        )
        return HttpResponseRedirect(reverse("members:home"))


class AcceptInvitationView(FormView):
    """Anyone holding the link may use it once: they choose their name and password."""

    template_name = "members/accept.html"
    form_class = AcceptInvitationForm

    def dispatch(self, request, *args, **kwargs):
        try:
            self.invitation = services.open_invitation(kwargs["key"])
        except services.InvitationError as error:
            return self.response_class(
                request=request,
                template="members/invitation_error.html",
                context={"message": str(error)},
                status=410,
            )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(invitation=self.invitation, **kwargs)

    def form_valid(self, form):
        try:
            account = services.accept(
                key=self.kwargs["key"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as error:
            form.add_error("password1", error.messages)
            return self.form_invalid(form)
        except services.InvitationError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        login(self.request, account, backend="icilabas.members.backends.EmailOrUsernameBackend")
        messages.success(
            self.request,
            gettext("Bienvenue ! Vous pouvez maintenant tenir à jour « %(organisation)s ».")
            % {"organisation": self.invitation.organisation},
        )
        return HttpResponseRedirect(self.invitation.organisation.get_absolute_url())
