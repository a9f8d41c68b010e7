"""The IATI export split between several new processes (`export-iati --processes`): the same
file as one process writes, read by processes that reach the test database themselves."""

import re
from pathlib import Path

import pytest

from icilabas.cooperation.models import Project
from icilabas.demo.loader import system_user
from icilabas.interop import iati_export
from icilabas.interop.services import import_iati

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SAMPLES = Path(__file__).resolve().parents[1] / "data" / "iati"


def _without_date(path: Path) -> bytes:
    return re.sub(rb'generated-datetime="[^"]*"', b"", path.read_bytes())


def test_an_export_written_by_three_processes_is_the_file_one_process_writes(tmp_path, monkeypatch):
    for name in ("who-arg.xml", "usaid-798.xml", "activity-standard-example-annotated.xml"):
        assert not import_iati(path=SAMPLES / name, user=system_user()).refused
    monkeypatch.setattr(iati_export, "PARALLEL_FROM", 1)  # a few hundred activities here
    alone, split = tmp_path / "alone.xml", tmp_path / "split.xml"
    counts = iati_export.export_activities(alone)
    assert counts["written"] == Project.objects.count() > 50
    assert iati_export.export_activities(split, processes=3) == counts
    assert _without_date(split) == _without_date(alone)
    assert iati_export.validate(split) == []
    filtered = Project.objects.filter(pk__in=Project.objects.order_by("pk")[:7].values("pk"))
    few = tmp_path / "few.xml"
    assert iati_export.export_activities(few, filtered, processes=3)["written"] == 7
    assert iati_export.validate(few) == []


def test_parts_are_validated_in_their_processes_and_a_bad_part_is_named(tmp_path, monkeypatch):
    """Each process validates its part; one invalid activity in the last part is reported
    with its line, as when one process writes and validates the whole file."""
    from icilabas.interop.models import IatiActivityData

    assert not import_iati(path=SAMPLES / "who-arg.xml", user=system_user()).refused
    monkeypatch.setattr(iati_export, "PARALLEL_FROM", 1)
    checked = iati_export.export_activities(tmp_path / "good.xml", processes=3, validated=True)
    assert checked["errors"] == [] and checked["written"] == Project.objects.count() > 50
    last = IatiActivityData.objects.order_by("-project_id").first()
    sectors = [{**last.data["sectors"][0], "percentage": "beaucoup"}]
    IatiActivityData.objects.filter(pk=last.pk).update(data={**last.data, "sectors": sectors})
    split = iati_export.export_activities(tmp_path / "bad.xml", processes=3, validated=True)
    alone = iati_export.export_activities(tmp_path / "alone.xml", validated=True)
    assert split["errors"] == alone["errors"] != []
    assert any("percentage" in error and "beaucoup" in error for error in split["errors"])
