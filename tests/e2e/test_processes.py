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
