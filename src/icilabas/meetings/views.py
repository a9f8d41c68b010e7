import tablib
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from icilabas.actors.models import Organisation
from icilabas.core import export, pdf
from icilabas.core.permissions import can_view, is_staff, organisation_ids, visible
from icilabas.core.views.records import Column, RecordDetailView, RecordListView, viewable_or_404

from . import calendar, participants, selectors, services, tasks
from .filters import MeetingFilter, WorkingGroupFilter
from .forms import FeedbackForm, InviteForm, RegistrationForm
from .models import Meeting, Registration, WorkingGroup

# A visitor (no account) may register this many times an hour from one address.
VISITOR_REGISTRATIONS_PER_HOUR = 10


class MeetingListView(RecordListView):
    filterset_class = MeetingFilter
    default_sort = "-starts_at"
    columns = [
        Column(gettext_lazy("Rencontre"), "title", "title", link=True),
        Column(gettext_lazy("Type"), "get_kind_display", "kind"),
        Column(gettext_lazy("Début"), "starts_at", "starts_at"),
        Column(gettext_lazy("Commune"), "city", "city"),
    ]

    def base_queryset(self):
        return Meeting.objects.all()


class MeetingDetailView(RecordDetailView):
    template_name = "meetings/meeting_detail.html"

    def get_queryset(self):
        return Meeting.objects.select_related("working_group").prefetch_related("themes")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(selectors.meeting_overview(meeting=self.object, viewer=self.request.user))
        return context


class WorkingGroupListView(RecordListView):
    filterset_class = WorkingGroupFilter
    columns = [
        Column(gettext_lazy("Groupe de travail"), "name", "name", link=True),
        Column(gettext_lazy("Actif"), "is_active", "is_active"),
    ]


class WorkingGroupDetailView(RecordDetailView):
    template_name = "meetings/workinggroup_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            selectors.working_group_overview(group=self.object, viewer=self.request.user)
        )
        return context


def _too_many_from(request) -> bool:
    """A flood of anonymous registrations from one address is stopped (per hour)."""
    key = f"meetings:visitor-registrations:{request.META.get('REMOTE_ADDR', '')}"
    cache.add(key, 0, 3600)
    try:
        return cache.incr(key) > VISITOR_REGISTRATIONS_PER_HOUR
    except ValueError:
        return False


class RegisterView(View):
    """Two clicks for a member (details pre-filled from her person); a form with an e-mail
    confirmation for a visitor of a public event."""

    template_name = "meetings/register.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.meeting = viewable_or_404(Meeting, request.user, kwargs["pk"])

    def _organisations(self):
        user = self.request.user
        if not user.is_authenticated:
            return Organisation.objects.none()
        if is_staff(user):
            return Organisation.objects.order_by("name")
        return Organisation.objects.filter(pk__in=organisation_ids(user)).order_by("name")

    def _form(self, data=None):
        initial = {}
        if self.request.user.is_authenticated:
            initial = services.prefill(user=self.request.user)
        return RegistrationForm(
            data, initial=initial, meeting=self.meeting, organisations=self._organisations()
        )

    def _refused(self):
        if not self.request.user.is_authenticated and not self.meeting.is_public_event:
            return HttpResponseRedirect(
                f"{reverse('login')}?next={reverse('meetings:register', args=[self.meeting.pk])}"
            )
        return None

    def get(self, request, pk: int):
        return self._refused() or self._page(self._form())

    def _page(self, form, status: int = 200):
        return render(
            self.request,
            self.template_name,
            {
                "meeting": self.meeting,
                "form": form,
                "state": self.meeting.registration_state(),
                "seats": selectors.seats(self.meeting),
            },
            status=status,
        )

    def post(self, request, pk: int):
        refused = self._refused()
        if refused:
            return refused
        form = self._form(request.POST)
        if not form.is_valid():
            return self._page(form)
        if form.cleaned_data["website"]:  # only robots fill the hidden field
            return HttpResponseRedirect(self.meeting.get_absolute_url())
        if not request.user.is_authenticated and _too_many_from(request):
            form.add_error(
                None, _("Trop d'inscriptions depuis cette adresse : réessayez dans une heure.")
            )
            return self._page(form, status=429)
        data = form.cleaned_data
        try:
            registration = services.register(
                meeting=self.meeting,
                user=request.user if request.user.is_authenticated else None,
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                organisation=data["organisation"],
                organisation_name=data["organisation_name"],
                role=data["role"],
                answers=form.answers(),
                listed_publicly=data["listed_publicly"],
                consent=data["consent"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
            return self._page(form)
        except PermissionDenied as error:
            form.add_error(None, str(error))
            return self._page(form, status=403)
        messages.success(request, _registration_message(registration))
        return HttpResponseRedirect(registration.get_absolute_url())


def _registration_message(registration: Registration) -> str:
    return {
        Registration.Status.AWAITING: _(
            "Presque fini : ouvrez le lien envoyé à %(email)s pour confirmer votre inscription."
        ),
        Registration.Status.CONFIRMED: _(
            "Vous êtes inscrit·e. Un courriel de confirmation part à %(email)s avec le fichier "
            "d'agenda."
        ),
        Registration.Status.WAITING: _(
            "La rencontre est complète : vous êtes sur la liste d'attente, un courriel vous "
            "préviendra dès qu'une place se libère."
        ),
    }.get(registration.status, "") % {"email": registration.email}


class RegistrationView(View):
    """A registration seen through its personal link (or by its member, or staff): its state,
    confirm (visitors), cancel, the .ics, and the feedback form after the meeting."""

    template_name = "meetings/registration.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.registration = get_object_or_404(
            Registration.objects.select_related("meeting"), token=kwargs["token"]
        )

    def _page(self, feedback_form=None, status=200):
        registration = self.registration
        meeting = registration.meeting
        can_give_feedback = (
            registration.status == Registration.Status.CONFIRMED
            and timezone.now() >= meeting.starts_at
        )
        existing = getattr(registration, "feedback", None) if can_give_feedback else None
        if feedback_form is None and can_give_feedback:
            feedback_form = FeedbackForm(
                initial={
                    "usefulness": existing.usefulness,
                    "topics_wanted": existing.topics_wanted,
                    "comment": existing.comment,
                }
                if existing
                else None
            )
        return render(
            self.request,
            self.template_name,
            {
                "registration": registration,
                "meeting": meeting,
                "feedback_form": feedback_form,
                "feedback_given": existing is not None,
            },
            status=status,
        )

    def get(self, request, token: str):
        return self._page()

    def post(self, request, token: str):
        action = request.POST.get("action")
        registration = self.registration
        try:
            if action == "confirm":
                services.confirm_email(token=token)
                registration.refresh_from_db()
                messages.success(request, _registration_message(registration))
            elif action == "cancel":
                services.cancel(registration=registration)
                messages.success(request, _("Votre inscription est annulée."))
            elif action == "feedback":
                form = FeedbackForm(request.POST)
                if not form.is_valid():
                    return self._page(form)
                services.record_feedback(registration=registration, **form.cleaned_data)
                messages.success(request, _("Merci pour votre avis."))
            else:
                raise Http404
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return HttpResponseRedirect(registration.get_absolute_url())


class StaffOnlyMixin:
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return HttpResponseRedirect(f"{reverse('login')}?next={request.path}")
        if not is_staff(request.user):
            raise PermissionDenied(_("Réservé à l'équipe du réseau."))
        return super().dispatch(request, *args, **kwargs)


class CheckInView(StaffOnlyMixin, TemplateView):
    """On the day, on a phone: who has a seat, found by name, pointed in with one tap."""

    template_name = "meetings/check_in.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meeting = get_object_or_404(Meeting.all_objects, pk=self.kwargs["pk"])
        found = participants.attendees(meeting)
        query = self.request.GET.get("q", "").strip()[:100]
        if query:
            found = found.filter(
                Q(last_name__icontains=query)
                | Q(first_name__icontains=query)
                | Q(organisation_name__icontains=query)
            )
        context.update(
            meeting=meeting,
            registrations=found,
            query=query,
            present=meeting.registrations.filter(checked_in_at__isnull=False).count(),
            seats=selectors.seats(meeting),
        )
        return context

    def post(self, request, pk: int):
        registration = get_object_or_404(
            Registration.objects.select_related("meeting"),
            pk=request.POST.get("registration") or 0,
            meeting_id=pk,
        )
        present = request.POST.get("present") == "1"
        try:
            services.check_in(registration=registration, user=request.user, present=present)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        query = request.POST.get("q", "")
        url = reverse("meetings:check_in", args=[pk])
        return HttpResponseRedirect(
            f"{url}?q={query}#inscription-{registration.pk}"
            if query
            else f"{url}#inscription-{registration.pk}"
        )


class ParticipantsExportView(StaffOnlyMixin, View):
    """The participant list as CSV, Excel or LibreOffice."""

    def get(self, request, pk: int, fmt: str):
        meeting = get_object_or_404(Meeting.all_objects, pk=pk)
        if fmt not in export.FORMATS:
            raise Http404
        headers = [
            _("Groupe"),
            _("Organisation"),
            _("Prénom"),
            _("Nom"),
            _("Fonction"),
            _("Courriel"),
            _("Présent·e"),
            *meeting.question_list,
        ]
        dataset = tablib.Dataset(headers=headers, title=_("Participants")[:31])
        for group in participants.grouped(participants.attendees(meeting)):
            for line in group.organisations:
                for person in line.people:
                    dataset.append(
                        [
                            export.neutralise(value)
                            for value in [
                                group.title,
                                line.name,
                                person.first_name,
                                person.last_name,
                                person.role,
                                person.email,
                                _("oui") if person.checked_in_at else "",
                                *(person.answers.get(q, "") for q in meeting.question_list),
                            ]
                        ]
                    )
        return export.dataset_response(dataset, fmt=fmt, title=f"participants {meeting.title}")


class ParticipantsPdfView(StaffOnlyMixin, View):
    """The Annexe-2-style PDF: made by the worker; this page waits for it, then hands it out."""

    def get(self, request, pk: int):
        meeting = get_object_or_404(Meeting.all_objects, pk=pk)
        return pdf.serve_or_queue(
            request,
            path=participants.pdf_path(meeting),
            filename=f"participants-{meeting.pk}.pdf",
            task=tasks.build_participant_list,
            args=(meeting.pk,),
            page={
                "title": _("Liste des participants (PDF)"),
                "back_url": meeting.get_absolute_url(),
                "back_label": meeting.title,
                "pdf_url": reverse("meetings:participants_pdf", args=[meeting.pk]),
            },
        )


class InviteView(StaffOnlyMixin, View):
    template_name = "meetings/invite.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.meeting = get_object_or_404(Meeting.all_objects, pk=kwargs["pk"])

    def get(self, request, pk: int):
        form = InviteForm(initial={"working_group": self.meeting.working_group_id})
        return render(request, self.template_name, {"meeting": self.meeting, "form": form})

    def post(self, request, pk: int):
        form = InviteForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"meeting": self.meeting, "form": form})
        count = services.invite(
            meeting=self.meeting,
            user=request.user,
            kinds=form.cleaned_data["kinds"],
            working_group=form.cleaned_data["working_group"],
            note=form.cleaned_data["note"],
        )
        messages.success(request, _("%(count)s invitation(s) envoyée(s).") % {"count": count})
        return HttpResponseRedirect(self.meeting.get_absolute_url())


class FeedbackResultsView(StaffOnlyMixin, TemplateView):
    template_name = "meetings/feedback_results.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meeting = get_object_or_404(Meeting.all_objects, pk=self.kwargs["pk"])
        context.update(meeting=meeting, **selectors.feedback_summary(meeting))
        return context


def _calendar_response(meetings, *, name: str, filename: str) -> HttpResponse:
    response = HttpResponse(
        calendar.calendar_of(meetings, name=name),
        content_type=f"{calendar.CALENDAR_TYPE}; charset=utf-8",
    )
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


class MeetingCalendarView(View):
    def get(self, request, pk: int):
        meeting = viewable_or_404(Meeting, request.user, pk)
        return _calendar_response([meeting], name=meeting.title, filename=f"rencontre-{pk}.ics")


class CalendarFeedView(View):
    """Subscription feeds: every published meeting, or those of a working group, a département
    or a theme (?groupe=, ?departement=, ?theme= with the theme's code)."""

    def get(self, request):
        meetings = visible(Meeting.objects.all(), request.user).order_by("starts_at")
        name = _("Rencontres du réseau")
        group = request.GET.get("groupe", "")
        if group:
            if not group.isdigit():
                raise Http404
            found = get_object_or_404(WorkingGroup.objects.all(), pk=group)
            if not can_view(request.user, found):
                raise Http404
            meetings, name = meetings.filter(working_group=found), f"{name} — {found.name}"
        departement = request.GET.get("departement", "")[:3]
        if departement:
            meetings, name = meetings.filter(departement=departement), f"{name} — {departement}"
        theme = request.GET.get("theme", "")[:40]
        if theme:
            meetings = meetings.filter(
                Q(themes__code=theme) | Q(themes__parent__code=theme)
            ).distinct()
            name = f"{name} — {theme}"
        return _calendar_response(meetings[:500], name=name, filename="rencontres.ics")
