"""Filters of the meeting and working-group lists."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from icilabas.core.filters import RecordFilterSet

from .models import Meeting, WorkingGroup


class MeetingFilter(RecordFilterSet):
    title = django_filters.CharFilter(label=_("Titre contient"), lookup_expr="icontains")
    kind = django_filters.ChoiceFilter(label=_("Type"), choices=Meeting.Kind.choices)
    when = django_filters.ChoiceFilter(
        label=_("Quand"),
        choices=[("a_venir", _("À venir")), ("passees", _("Passées"))],
        method="filter_when",
    )
    working_group = django_filters.ModelChoiceFilter(
        label=_("Groupe de travail"), queryset=WorkingGroup.objects.all()
    )

    class Meta:
        model = Meeting
        fields = ["title", "kind", "when", "working_group"]

    def filter_when(self, queryset, name, value):
        now = timezone.now()
        if value == "a_venir":
            return queryset.filter(ends_at__gte=now)
        return queryset.filter(ends_at__lt=now)


class WorkingGroupFilter(RecordFilterSet):
    name = django_filters.CharFilter(label=_("Nom contient"), lookup_expr="icontains")

    class Meta:
        model = WorkingGroup
        fields = ["name", "is_active"]
