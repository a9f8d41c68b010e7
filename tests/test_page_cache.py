"""Pages stored for anonymous visitors: shared while nothing changes, retired by every write,
never for logged-in users, never holding a visitor's CSRF token."""

from pathlib import Path

import pytest
from django.urls import reverse

from icilabas.core.services import soft_delete_record, update_record
from icilabas.demo.loader import system_user
from icilabas.interop.services import import_iati

from . import factories as f

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).resolve().parent / "data" / "iati"


def visit(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response


def test_second_visit_is_served_from_the_store_with_the_same_page(client):
    f.project(title="Adduction d'eau à Foundiougne")
    first = visit(client, reverse("cooperation:project_list"))
    second = visit(client, reverse("cooperation:project_list"))
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert second.content == first.content
    assert "Cookie" in first["Vary"] and "Cookie" in second["Vary"]
    assert "Adduction d&#x27;eau à Foundiougne" in second.content.decode()


@pytest.mark.parametrize("write", ["create", "update", "delete"])
def test_any_write_through_the_services_retires_stored_pages(client, write):
    project = f.project(title="Jardins scolaires de Kayes")
    for url in (reverse("cooperation:project_list"), project.get_absolute_url()):
        visit(client, url)
    if write == "create":
        f.project(title="Maraîchage à Ziguinchor")
        expected, absent = "Maraîchage à Ziguinchor", ""
    elif write == "update":
        update_record(project, user=system_user(), data={"title": "Potagers de Kayes"})
        expected, absent = "Potagers de Kayes", "Jardins scolaires"
    else:
        soft_delete_record(project, user=system_user())
        expected, absent = "empty-state", "Jardins scolaires"
    page = visit(client, reverse("cooperation:project_list"))
    assert page["X-Page-Cache"] == "miss"
    assert expected in page.content.decode()
    assert not absent or absent not in page.content.decode()


def test_while_editors_keep_saving_visitors_pages_settle_for_a_few_seconds(client, settings):
    """With a settling delay, a write after a quiet spell shows to visitors at once; the
    writes that follow within the delay do not retire their pages again until it is over."""
    import time

    from django.core.cache import cache

    from icilabas.core import page_cache

    settings.PAGE_CACHE_SETTLE_SECONDS = 60
    project = f.project(title="Jardins scolaires de Kayes")
    cache.set(page_cache.VISITOR_VERSION_KEY, ("older", time.time() - 3600), None)
    page = visit(client, project.get_absolute_url())  # the quiet spell is over: fresh
    assert page["X-Page-Cache"] == "miss" and "Jardins scolaires" in page.content.decode()
    update_record(project, user=system_user(), data={"title": "Potagers de Kayes"})
    page = visit(client, project.get_absolute_url())  # a second write within the minute
    assert page["X-Page-Cache"] == "hit" and "Jardins scolaires" in page.content.decode()
    version, _since = cache.get(page_cache.VISITOR_VERSION_KEY)
    cache.set(page_cache.VISITOR_VERSION_KEY, (version, time.time() - 61), None)
    page = visit(client, project.get_absolute_url())  # the minute is over
    assert page["X-Page-Cache"] == "miss" and "Potagers de Kayes" in page.content.decode()
    visit(client, project.get_absolute_url())
    assert visit(client, project.get_absolute_url())["X-Page-Cache"] == "hit"


def test_stored_counts_and_figures_settle_like_visitors_pages(settings):
    """Lists' counts and the portal's figures follow the version visitors' pages follow: a
    write after a quiet spell counts at once, the writes within the delay after it do not
    make every count and figure computed again (they did, at each save)."""
    import time

    from django.core.cache import cache

    from icilabas.cooperation.models import Project
    from icilabas.core import page_cache
    from icilabas.core.queries import stored_count
    from icilabas.portal.selectors import once_per_registry_version

    settings.PAGE_CACHE_SETTLE_SECONDS = 60
    before = stored_count(Project.objects.all())
    cache.set(page_cache.VISITOR_VERSION_KEY, ("older", time.time() - 3600), None)
    f.project()  # after a quiet spell: at once
    assert stored_count(Project.objects.all()) == before + 1
    figures = once_per_registry_version("test", Project.objects.count)
    f.project()  # within the delay: the stored count and figures stay
    assert stored_count(Project.objects.all()) == before + 1
    assert once_per_registry_version("test", Project.objects.count) == figures
    version, _since = cache.get(page_cache.VISITOR_VERSION_KEY)
    cache.set(page_cache.VISITOR_VERSION_KEY, (version, time.time() - 61), None)
    assert stored_count(Project.objects.all()) == before + 2  # the delay is over
    assert once_per_registry_version("test", Project.objects.count) == figures + 1


def test_a_bulk_import_retires_stored_pages(client, staff_user):
    visit(client, reverse("cooperation:project_list"))
    visit(client, reverse("portal:search"), q="santé")
    import_iati(path=SAMPLES / "who-arg.xml", user=staff_user)
    page = visit(client, reverse("cooperation:project_list"))
    assert page["X-Page-Cache"] == "miss"
    assert "empty-state" not in page.content.decode()
    assert visit(client, reverse("portal:search"), q="santé")["X-Page-Cache"] == "miss"


def test_logged_in_users_are_never_served_a_stored_page(client, staff_client):
    project = f.project()
    visit(client, project.get_absolute_url())
    visit(client, project.get_absolute_url())
    page = visit(staff_client, project.get_absolute_url())
    assert "X-Page-Cache" not in page
    assert "Modifier" in page.content.decode()
    assert "csrfmiddlewaretoken" in page.content.decode()


def test_visitors_pages_hold_no_csrf_token_and_set_no_cookie(client):
    for url in (reverse("portal:home"), reverse("cooperation:project_list")):
        page = visit(client, url)
        assert "csrfmiddlewaretoken" not in page.content.decode()
        assert "X-CSRFToken" not in page.content.decode()
        assert not page.cookies


def test_each_language_has_its_own_stored_page(client):
    french = visit(client, reverse("cooperation:project_list"))
    switched = client.get(
        reverse("set_language"), {"language": "en", "next": reverse("cooperation:project_list")}
    )
    assert switched.status_code == 302
    assert switched["Location"] == reverse("cooperation:project_list")
    english = visit(client, reverse("cooperation:project_list"))
    assert english["X-Page-Cache"] == "miss"
    assert english["Content-Language"] == "en"
    assert english.content != french.content


def test_language_switch_refuses_to_send_visitors_elsewhere(client):
    switched = client.get(
        reverse("set_language"), {"language": "en", "next": "https://example.org/"}
    )
    assert switched["Location"] == "/"
    unknown = client.get(reverse("set_language"), {"language": "xx", "next": "/"})
    assert "django_language" not in unknown.cookies


def test_exports_and_flash_messages_are_not_stored(client):
    url = reverse("cooperation:project_list")
    export = client.get(url, {"export": "csv"})
    assert "X-Page-Cache" not in export
    client.cookies["messages"] = "anything"
    assert "X-Page-Cache" not in visit(client, url)


def test_turned_off_with_zero_seconds(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    visit(client, reverse("portal:home"))
    assert "X-Page-Cache" not in visit(client, reverse("portal:home"))


def test_list_counts_and_filter_forms_are_shared_until_a_write(staff_client, client):
    """Logged-in pages are rendered each time, but the count of a list and its filter form
    are kept per registry version: a write shows at once."""
    f.project(title="Puits de Kayes")
    url = reverse("cooperation:project_list")
    assert "1 résultat" in visit(staff_client, url).content.decode()
    assert "1 résultat" in visit(client, url).content.decode()
    f.project(title="Puits de Ségou", country="ML")
    assert "2 résultats" in visit(staff_client, url).content.decode()
    filtered = visit(staff_client, url, country="ML").content.decode()
    assert "1 résultat" in filtered
    assert '<option value="ML" selected>' in filtered
    assert '<option value="ML" selected>' not in visit(staff_client, url).content.decode()


def test_the_worker_s_heartbeat_does_not_retire_stored_pages(client):
    """A worker says it is alive every few seconds: visitors' pages must outlive that."""
    from icilabas.core import jobs

    url = reverse("cooperation:project_list")
    client.get(url)
    jobs.beat("w1")
    jobs.beat("w1")
    assert client.get(url)["X-Page-Cache"] == "hit"
