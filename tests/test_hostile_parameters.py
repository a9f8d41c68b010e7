"""Whatever a URL's query says, no page answers with a server error, and redirects stay on this
site. A bounded, seeded fuzz of every page without path arguments, as a visitor and as staff."""

import random

import pytest
from django.urls import URLResolver, get_resolver, reverse

from . import factories as f

pytestmark = pytest.mark.django_db

NAMES = [
    "year",
    "page",
    "sort",
    "country",
    "theme",
    "status",
    "departement",
    "region",
    "kind",
    "partnership",
    "french_partner",
    "title",
    "name",
    "last_name",
    "organisation",
    "q",
    "export",
    "complet",
    "next",
    "de",
    "a",
    "project",
    "person",
    "page_size",
    "language",
    "template",
]
VALUES = [
    "0",
    "-1",
    "10000",
    "9" * 20,
    "-5",
    "abc",
    "1e400",
    "\x00",
    "' OR 1=1--",
    "<script>",
    "",
    "https://evil.example/",
    "javascript:alert(1)",
    "2024-13-45",
    "é" * 300,
    "1,5",
]
API_LISTS = ["/api/v1/projects", "/api/v1/partnerships", "/api/v1/organisations"]
REQUESTS_PER_ROLE = 400


def pages_without_arguments() -> list[str]:
    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern)

    routes = {
        "/" + route
        for route in walk(get_resolver().url_patterns)
        if not any(c in route for c in "<(^$") and not route.startswith(("admin", "api"))
    }
    return sorted(routes) + API_LISTS


@pytest.mark.parametrize("role", ["anonymous", "staff"])
def test_no_query_gives_a_server_error(role, client, staff_user):
    project = f.project()
    f.participation(project=project)
    if role == "staff":
        client.force_login(staff_user)
    pages = pages_without_arguments()
    assert len(pages) > 30
    rng = random.Random(2026)
    failures = []
    for _ in range(REQUESTS_PER_ROLE):
        page = rng.choice(pages)
        query = {rng.choice(NAMES): rng.choice(VALUES) for _ in range(rng.randint(1, 3))}
        response = client.get(page, query)
        if response.status_code >= 500:
            failures.append((page, query, response.status_code))
    for page in pages:  # each page once with a year of twenty digits and a page of zero
        response = client.get(page, {"year": "9" * 20, "page": "0", "sort": "-" * 50})
        if response.status_code >= 500:
            failures.append((page, "year/page/sort", response.status_code))
    assert failures == []


@pytest.mark.parametrize("year", ["0", "-1", "10000", "9" * 20])
def test_an_impossible_year_is_an_empty_answer_not_an_error(year, client):
    assert client.get(reverse("cooperation:project_list"), {"year": year}).status_code == 200
    assert client.get(reverse("cooperation:partnership_list"), {"year": year}).status_code == 200
    assert client.get("/api/v1/partnerships", {"year": year}).status_code == 422


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"]
)
def test_redirects_and_cancel_links_stay_on_this_site(target, staff_client):
    project = f.project()
    publication = reverse("publication", args=["cooperation", "project", project.pk, "confirm"])
    response = staff_client.post(publication, {"next": target})
    assert response.status_code == 302
    assert response["Location"] == project.get_absolute_url()
    language = staff_client.get(reverse("set_language"), {"language": "en", "next": target})
    assert language["Location"] == "/"
    form = staff_client.get(reverse("cooperation:project_create"), {"next": target})
    assert form.context["cancel_url"] == reverse("cooperation:project_list")
    assert target not in form.content.decode()
