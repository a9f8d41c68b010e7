from icilabas.core.forms import RecordForm

from .models import ForeignAuthority, Organisation, Person, Position


class OrganisationForm(RecordForm):
    class Meta:
        model = Organisation
        fields = [
            "name",
            "acronym",
            "kind",
            "siren",
            "siret",
            "insee_code",
            "departement",
            "region",
            "address",
            "postcode",
            "city",
            "website",
            "email",
            "phone",
            "description",
            "latitude",
            "longitude",
            "is_network_member",
            "source",
        ]


class ForeignAuthorityForm(RecordForm):
    class Meta:
        model = ForeignAuthority
        fields = [
            "name",
            "kind",
            "country",
            "locality",
            "admin_area",
            "latitude",
            "longitude",
            "website",
            "description",
            "source",
        ]


class PersonForm(RecordForm):
    class Meta:
        model = Person
        fields = ["first_name", "last_name", "email", "phone", "notes"]


class PositionForm(RecordForm):
    class Meta:
        model = Position
        fields = ["person", "organisation", "title", "role", "start_on", "end_on"]
