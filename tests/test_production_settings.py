"""No key written in the source: each installation makes its own, once; `check --deploy` is
clean only when the environment gives SECRET_KEY."""

import os
import secrets
import stat
import subprocess
import sys
from pathlib import Path

import icilabas.settings as settings_module

PRODUCTION = {"DEBUG": "false", "ALLOWED_HOSTS": "icilabas.example.org", "HTTPS": "true"}


def _run(args: list[str], var_dir: Path, **env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    environment.update(ICILABAS_VAR_DIR=str(var_dir), DJANGO_SETTINGS_MODULE="icilabas.settings")
    environment.update(env)
    return subprocess.run(
        [sys.executable, *args], env=environment, capture_output=True, text=True, timeout=120
    )


def _key_of(var_dir: Path) -> str:
    code = "import icilabas.settings as s; print(s.SECRET_KEY)"
    return _run(["-c", code], var_dir).stdout.strip()


def test_each_installation_makes_its_own_key_once(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    key = _key_of(first)
    assert len(key) >= 50
    assert _key_of(first) == key  # kept: sessions survive a restart
    assert _key_of(second) != key  # never two installations with the same key
    assert stat.S_IMODE((first / "secret_key").stat().st_mode) == 0o600
    source = Path(settings_module.__file__).read_text()
    assert "insecure" not in source.lower()


def test_check_deploy_is_clean_only_with_the_key_in_the_environment(tmp_path):
    command = ["-m", "icilabas.cli", "check", "--deploy", "--fail-level", "WARNING"]
    without = _run(command, tmp_path, **PRODUCTION)
    assert without.returncode != 0 and "icilabas.E001" in without.stderr
    key = secrets.token_urlsafe(50)
    complete = _run(command, tmp_path, SECRET_KEY=key, **PRODUCTION)
    assert complete.returncode == 0, complete.stderr
