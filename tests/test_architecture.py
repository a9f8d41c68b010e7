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
