"""Start of a process of ours made by `multiprocessing` with "spawn" (a fork of the worker,
which runs a heartbeat thread, could inherit a lock held by that thread). Kept free of any
model import: it runs before Django is set up."""

import django
from django.db import connection


def start_django(database_name: str) -> None:
    """Set Django up in the new process, on the database its parent reads (under the tests,
    the test database, which the environment does not name)."""
    django.setup()
    connection.settings_dict["NAME"] = database_name
