from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "icilabas.members"
    verbose_name = "Membres"

    def ready(self):
        from icilabas.actors.models import Organisation
        from icilabas.core.permissions import MembershipPolicy, register_membership_policy

        from .models import Membership

        register_membership_policy(
            MembershipPolicy(
                organisation_model=Organisation,
                memberships=lambda user: Membership.objects.filter(user=user).values_list(
                    "organisation_id", "role"
                ),
            )
        )
