"""The layering rule of docs/architecture.md, checked on every `make test`: apps import only the
layers below them (import-linter, contract in pyproject.toml), and no import of our own code
hides inside a function to dodge a cycle."""

import ast
from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "icilabas"

# Imports of our code that may stay inside a function, and why.
ALLOWED_INNER_IMPORTS = {
    # An optional engine: Splink (and DuckDB) are installed with the `scale` extra only.
    # (`from icilabas.matching import splink_engine`)
    ("matching/management/commands/dedup.py", "icilabas.matching"),
}


def test_apps_import_only_the_layers_below_them(capsys):
    exit_code = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True)
    report = capsys.readouterr().out
    assert exit_code == 0, report
    assert "1 kept, 0 broken" in report


def _imported_module(node: ast.ImportFrom | ast.Import, module_path: Path) -> list[str]:
    """The modules of our package an import statement brings in (relative ones resolved)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names if alias.name.startswith("icilabas")]
    if node.level == 0:
        return [node.module] if (node.module or "").startswith("icilabas") else []
    parts = ["icilabas", *module_path.relative_to(PACKAGE).with_suffix("").parts]
    base = parts[: len(parts) - node.level]
    return [".".join([*base, node.module] if node.module else base)]


def inner_imports(source: str, module_path: Path) -> list[tuple[int, str]]:
    """(line, module) of each import of our code placed inside a function, except in an app's
    `AppConfig.ready()`, where Django wants registrations made once the models are loaded."""
    found = []
    tree = ast.parse(source)
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if module_path.name == "apps.py" and function.name == "ready":
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.Import | ast.ImportFrom):
                found += [(node.lineno, name) for name in _imported_module(node, module_path)]
    return found


def test_no_import_of_our_code_hides_inside_a_function():
    hidden = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        relative = path.relative_to(PACKAGE).as_posix()
        for line, module in inner_imports(path.read_text(encoding="utf-8"), path):
            if (relative, module) not in ALLOWED_INNER_IMPORTS:
                hidden.append(f"{relative}:{line} imports {module}")
    assert hidden == []


def test_the_check_finds_an_import_inside_a_function():
    """The check above would see a dodged cycle, absolute or relative."""
    source = (
        "def overview():\n"
        "    from icilabas.cooperation.models import Partnership\n"
        "    from ..matching import similar\n"
        "    return Partnership, similar\n"
    )
    found = inner_imports(source, PACKAGE / "actors" / "selectors.py")
    assert found == [(2, "icilabas.cooperation.models"), (3, "icilabas.matching")]
    assert inner_imports(source, PACKAGE / "actors" / "apps.py") == found


# ------------------------------------------------------------------ only services write

WRITE_METHODS = {
    "save",
    "delete",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
}
QUERYSET_WRITES = {"create", "update"}  # counted when called on a manager or a queryset
QUERYSET_STEPS = {"objects", "all_objects", "_base_manager", "_default_manager", "filter", "all"}

# Writes outside a `services.py` (and migrations, tests), each with why it is there.
ALLOWED_WRITES = {
    ("core/files.py", "MediaStorage._save", "delete"): "a partly written file removed from "
    "the disk (the disk full), not a database row",
    ("core/bulk.py", "insert", "bulk_create"): "the bulk write path that services and imports "
    "call once they have validated a batch",
    ("core/extraction.py", "extract_document_text", "update"): "derived data: the text the "
    "worker read from an attached document, not a change of the record",
    ("core/jobs.py", "beat", "update_or_create"): "the task queue's own bookkeeping",
    ("core/jobs.py", "forget_worker", "delete"): "the task queue's own bookkeeping",
    ("core/jobs.py", "reap", "save"): "the task queue's own bookkeeping",
    ("core/jobs.py", "retry_if_asked", "save"): "the task queue's own bookkeeping",
    ("core/jobs.py", "run_schedules", "get_or_create"): "the task queue's own bookkeeping",
    ("core/jobs.py", "run_schedules", "update"): "the task queue's own bookkeeping",
    ("core/tasks.py", "purge_old_files", "delete"): "finished task rows, queue bookkeeping",
    ("core/permissions.py", "system_account", "get_or_create"): "the accounts history names "
    "for work no person does (scheduler, command line, demo)",
    ("core/permissions.py", "system_account", "save"): "same: its unusable password",
    ("core/search.py", "index", "update_or_create"): "the search index, derived from records "
    "and written when services write them",
    ("core/search.py", "unindex", "delete"): "the search index",
    ("core/search.py", "unindex_records", "delete"): "the search index",
    ("core/search.py", "bulk_reindex", "delete"): "the search index",
    ("core/search.py", "reindex_all", "delete"): "the search index",
    ("demo/generator.py", "_partnerships", "bulk_create"): "the synthetic generator writes "
    "100,000 projects in bulk, with history (docs/architecture.md)",
    ("demo/loader.py", "ensure_account", "create"): "demo accounts at set-up",
    ("meetings/models.py", "Registration.save", "save"): "the model's own save (its order)",
    ("members/models.py", "Invitation.issue", "create"): "called by members.services.invite "
    "(and tests) only",
    ("members/two_factor.py", "qr_svg", "save"): "an image written to memory, not the database",
    ("reference/loaders.py", "load_territories", "update_or_create"): "reference data loaded by "
    "migrations and `icilabas` commands, not registry records",
    ("reference/loaders.py", "load_territories", "bulk_create"): "reference data",
    ("reference/loaders.py", "load_iati_codelist", "update_or_create"): "reference data",
    ("reference/loaders.py", "iati_codelists_operation.unload", "delete"): "reference data "
    "(a migration's reverse)",
    ("reference/loaders.py", "load_atlas_themes", "update_or_create"): "reference data",
    ("reference/loaders.py", "load_crosswalks", "update_or_create"): "reference data",
    ("reference/vocabularies.py", "_write", "update_or_create"): "a vocabulary file, checked "
    "whole then written in one transaction (reference data)",
    ("reference/vocabularies.py", "_write", "bulk_update"): "same",
}


def _on_queryset(node: ast.expr) -> bool:
    while isinstance(node, ast.Call | ast.Attribute | ast.Subscript):
        if isinstance(node, ast.Attribute) and node.attr in QUERYSET_STEPS:
            return True
        node = node.func if isinstance(node, ast.Call) else node.value
    return False


def writes(source: str) -> set[tuple[str, str]]:
    """(enclosing function, method) of each database write call in a module: `.save()`,
    `.delete()`, `bulk_*`, `*_or_create`, and `.create()` / `.update()` on a manager or queryset
    (a queryset held in a variable escapes this reading)."""
    found: set[tuple[str, str]] = set()

    def visit(node: ast.AST, scope: tuple[str, ...]) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            decorators = getattr(node, "decorator_list", [])
            for child in ast.iter_child_nodes(node):
                if child not in decorators:
                    visit(child, (*scope, node.name))
            return
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            method = node.func.attr
            if method in WRITE_METHODS or (
                method in QUERYSET_WRITES and _on_queryset(node.func.value)
            ):
                found.add((".".join(scope), method))
        for child in ast.iter_child_nodes(node):
            visit(child, scope)

    visit(ast.parse(source), ())
    return found


def test_only_services_write():
    found = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts or path.name == "services.py":
            continue
        relative = path.relative_to(PACKAGE).as_posix()
        found |= {(relative, *write) for write in writes(path.read_text(encoding="utf-8"))}
    assert sorted(found - ALLOWED_WRITES.keys()) == []
    assert sorted(ALLOWED_WRITES.keys() - found) == []  # the list stays true


def test_the_check_finds_writes_and_not_dictionaries():
    source = (
        "class JobView:\n"
        "    def post(self, job, context):\n"
        "        context.update(done=True)\n"
        "        job.save()\n"
        "        Project.objects.filter(pk=1).update(title='x')\n"
        "        Project.objects.create(title='y')\n"
    )
    assert writes(source) == {
        ("JobView.post", "save"),
        ("JobView.post", "update"),
        (
            "JobView.post",
            "create",
        ),
    }
