"""Structured logs: a JSON object a line, saying who did what, in which request."""

import io
import json
import logging

import pytest
from django.urls import reverse

from icilabas.core import logs

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def log_lines():
    """The lines the console handler would write, read back."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(logs.ContextFilter())
    handler.setFormatter(logs.JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)


def test_an_edit_is_logged_with_its_request_user_and_record(staff_client, staff_user, log_lines):
    organisation = f.organisation(name="Ville de Bègles")
    data = {"name": "Ville de Bègles (Gironde)", "kind": "commune", "insee_code": "33039"}
    response = staff_client.post(
        reverse("actors:organisation_update", args=[organisation.pk]),
        data,
        headers={"X-Request-ID": "req-2011-02-10"},
    )
    assert response.status_code == 302
    assert response["X-Request-ID"] == "req-2011-02-10"
    edits = [line for line in log_lines() if line.get("action") == "modification"]
    assert edits == [
        {
            **edits[0],
            "model": "actors.organisation",
            "object_id": organisation.pk,
            "actor": staff_user.pk,
            "user_id": staff_user.pk,
            "request_id": "req-2011-02-10",
            "level": "INFO",
        }
    ]


def test_a_hostile_request_id_is_replaced_and_each_request_gets_one(client):
    response = client.get("/", headers={"X-Request-ID": "x\nfaux journal"})
    given = response["X-Request-ID"]
    assert "\n" not in given and len(given) == 32
    assert client.get("/")["X-Request-ID"] != given
