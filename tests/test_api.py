"""REST API: same filters, validation, permissions and write path as the web interface."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from icilabas.api.models import ApiToken
from icilabas.api.services import issue_token
from icilabas.cooperation.models import Project

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_token(staff_user):
    return issue_token(user=staff_user, name="tests")[1]


def call(client, method, url, token=None, body=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    data = json.dumps(body) if body is not None else None
    return getattr(client, method)(url, data=data, content_type="application/json", **headers)


def test_openapi_document_is_3_1_and_lists_the_resources(client):
    document = client.get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    assert {
        "/api/v1/projects",
        "/api/v1/organisations",
        "/api/v1/partnerships",
        "/api/v1/foreign-authorities",
    } <= set(document["paths"])


def test_lists_use_the_same_filters_and_paginate(client):
    mali = [f.project(title=f"Puits {i}", country="ML") for i in range(3)]
    f.project(title="Festival", country="FR")
    page = client.get("/api/v1/projects", {"country": "ML", "page_size": 2}).json()
    assert page["count"] == 3 and page["pages"] == 2
    assert [p["title"] for p in page["results"]] == [mali[0].title, mali[1].title]
    bad = client.get("/api/v1/projects", {"country": "XX"})
    assert bad.status_code == 422 and "country" in bad.json()["errors"]
    assert client.get("/api/v1/projects/999999").status_code == 404


def test_project_list_queries_do_not_grow(client):
    for _ in range(3):
        f.project(sdgs=[f.theme().__class__.objects.of("sdg").first()])
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/projects")
    for _ in range(9):
        f.project()
    with CaptureQueriesContext(connection) as many:
        client.get("/api/v1/projects")
    assert len(many) == len(few)


def test_create_update_delete_with_a_token_through_the_services(client, staff_token, staff_user):
    created = call(
        client,
        "post",
        "/api/v1/projects",
        staff_token,
        {
            "title": "Forage à Kayes",
            "country": "ML",
            "primary_theme": "3.1.1",
            "sdgs": ["6"],
            "start_on": "2024-01-15",
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["primary_theme"] == "3.1.1" and body["sdgs"] == ["6"]
    project = Project.objects.get(pk=body["id"])
    assert project.history.first().history_user == staff_user
    assert project.history.first().history_change_reason == "Création (API)"
    patched = call(
        client,
        "patch",
        f"/api/v1/projects/{project.pk}",
        staff_token,
        {"title": "Forage et château d'eau à Kayes"},
    )
    assert patched.status_code == 200
    assert patched.json()["start_on"] == "2024-01-15"  # untouched fields kept
    assert call(client, "delete", f"/api/v1/projects/{project.pk}", staff_token).status_code == 204
    assert Project.all_objects.get(pk=project.pk).deleted_at is not None


def test_bad_input_is_refused_field_by_field_in_french(client, staff_token):
    before = Project.all_objects.count()
    response = call(
        client,
        "post",
        "/api/v1/projects",
        staff_token,
        {
            "title": "Forage",
            "start_on": "2024-01-15",
            "end_on": "2023-01-01",
        },
    )
    assert response.status_code == 422
    assert "postérieure" in response.json()["errors"]["end_on"][0]
    response = call(
        client,
        "post",
        "/api/v1/projects",
        staff_token,
        {"title": "Forage", "primary_theme": "9.9.9"},
    )
    assert response.json()["errors"]["primary_theme"] == ["Code inconnu : 9.9.9."]
    response = call(
        client,
        "post",
        "/api/v1/organisations",
        staff_token,
        {"name": "Ville X", "kind": "commune", "siren": "123456789"},
    )
    assert "clé de contrôle" in response.json()["errors"]["siren"][0]
    assert call(client, "post", "/api/v1/projects", staff_token, "pas un objet").status_code == 422
    unknown = call(client, "post", "/api/v1/projects", staff_token, {"title": "X", "budget": 1})
    assert unknown.status_code == 422
    assert Project.all_objects.count() == before


def test_writes_need_a_valid_token_and_the_right(client, member_user, staff_token):
    assert call(client, "post", "/api/v1/projects", None, {"title": "X"}).status_code == 401
    assert call(client, "post", "/api/v1/projects", "wrong", {"title": "X"}).status_code == 401
    member_token = issue_token(user=member_user, name="member")[1]
    response = call(client, "post", "/api/v1/projects", member_token, {"title": "Puits"})
    assert response.status_code == 403
    assert not Project.objects.filter(title="Puits").exists()
    token = ApiToken.objects.get(user__is_staff=True)
    token.revoked_at = token.created_at
    token.save()
    assert call(client, "post", "/api/v1/projects", staff_token, {"title": "X"}).status_code == 401


def test_organisations_round_trip(client, staff_token):
    created = call(
        client,
        "post",
        "/api/v1/organisations",
        staff_token,
        {"name": "Ville de Cenon", "kind": "commune", "insee_code": "33119"},
    )
    assert created.status_code == 201, created.content
    organisation = created.json()
    assert organisation["departement"] == "33" and organisation["city"] == "Cenon"
    detail = client.get(f"/api/v1/organisations/{organisation['id']}").json()
    assert detail["name"] == "Ville de Cenon"


def test_token_command_issues_and_revokes(staff_user, capsys, client):
    from django.core.management import call_command

    call_command("apitoken", staff_user.username, "--name", "SIG")
    key = capsys.readouterr().out.split(": ", 1)[1].split()[0]
    assert call(client, "post", "/api/v1/projects", key, {"title": "Puits"}).status_code == 201
    call_command("apitoken", staff_user.username, "--revoke")
    assert call(client, "post", "/api/v1/projects", key, {"title": "Puits 2"}).status_code == 401


def test_a_patch_from_an_older_version_is_refused_with_409(client, staff_token):
    """Two clients read the same project; the first saves; the second, sending the ETag it
    read in If-Match, gets 409 with the current version and what changed, and nothing is
    overwritten. Sent again with the new version, it saves."""
    project = f.project(title="Forage à Kayes", country="ML")
    url = f"/api/v1/projects/{project.pk}"
    read = client.get(url)
    etag = read["ETag"]
    assert etag == f'"{project.version}"'
    headers = {"HTTP_AUTHORIZATION": f"Bearer {staff_token}", "HTTP_IF_MATCH": etag}

    def patch(title, **extra):
        return client.patch(
            url,
            data=json.dumps({"title": title}),
            content_type="application/json",
            **{**headers, **extra},
        )

    first = patch("Forage et château d'eau à Kayes")
    assert first.status_code == 200, first.content
    second = patch("Puits à Kayes")
    assert second.status_code == 409
    body = second.json()
    assert body["version"] == Project.objects.get(pk=project.pk).version == first["ETag"].strip('"')
    assert {
        "field": "titre",
        "before": "Forage à Kayes",
        "after": "Forage et château d'eau à Kayes",
    } in body["changes"]
    assert Project.objects.get(pk=project.pk).title == "Forage et château d'eau à Kayes"
    again = patch("Puits à Kayes", HTTP_IF_MATCH=second["ETag"])
    assert again.status_code == 200
    assert Project.objects.get(pk=project.pk).title == "Puits à Kayes"
    # Without If-Match, a client that does not care still saves (last write wins).
    assert call(client, "patch", url, staff_token, {"title": "Puits"}).status_code == 200
