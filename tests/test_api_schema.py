"""Property-based API test (Schemathesis): generated requests against the OpenAPI document's
read operations; no server error, and every response matches the document."""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from icilabas.wsgi import application

from . import factories as f

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application).include(method="GET")


@pytest.fixture
def registry(db):
    # Like Django's test client: a request must not close the test's database connection.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    partnership = f.partnership()
    f.project(partnership=partnership, country="ML")
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_read_operations_follow_the_document(case, registry):
    case.call_and_validate(headers={"Host": "localhost"})
