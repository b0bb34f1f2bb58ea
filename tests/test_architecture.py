"""The architecture's one hard rule, checked by import-linter: the domain
core imports no Textual, Rich, CLI or TUI (pyproject.toml's contracts); and
each storage engine alone imports its database's library."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import ROOT

LINT = [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; "
        "sys.exit(lint_imports_command())"]


def lint(*args: str, cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([*LINT, *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_the_core_imports_no_textual_rich_cli_or_tui():
    done = lint()
    assert done.returncode == 0, done.stdout + done.stderr
    assert "The domain core imports no Textual, Rich, CLI or TUI KEPT" in done.stdout


def test_only_the_tinydb_engine_imports_tinydb():
    # the progress rules and their readers work through the engine interface
    done = lint()
    assert "Only the TinyDB engine imports TinyDB KEPT" in done.stdout, done.stdout


def test_only_the_postgresql_engine_imports_psycopg():
    done = lint()
    assert "Only the PostgreSQL engine imports psycopg KEPT" in done.stdout, done.stdout
    assert "The engines do not import each other KEPT" in done.stdout, done.stdout


def test_a_broken_contract_is_reported(tmp_path):
    # the same checker on a contract the code breaks: the TUI does import Textual
    config = tmp_path / "broken.toml"
    config.write_text('[tool.importlinter]\nroot_packages = ["drill"]\ninclude_external_packages = true\n\n'
                      '[[tool.importlinter.contracts]]\nname = "tui without textual"\ntype = "forbidden"\n'
                      'source_modules = ["drill.tui"]\nforbidden_modules = ["textual"]\n', "utf-8")
    done = lint("--config", str(config))
    assert done.returncode != 0
    assert "tui without textual BROKEN" in done.stdout


MYPY = [sys.executable, "-m", "mypy", "--no-incremental", "--cache-dir", "/dev/null"]


def test_the_core_type_checks():
    # the gate: mypy on drill.core (pyproject.toml's [tool.mypy]) finds nothing
    done = subprocess.run(MYPY, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Success: no issues found" in done.stdout


def test_the_type_check_reports_an_error(tmp_path):
    # the same check on code with a type error in it fails
    bad = tmp_path / "bad.py"
    bad.write_text("from drill.core.records import CardState\n\n"
                   "def due(state: CardState) -> str:\n    return state.due\n", "utf-8")
    env = dict(os.environ, MYPYPATH=str(ROOT / "src"))
    done = subprocess.run([*MYPY, "--config-file", str(ROOT / "pyproject.toml"), str(bad)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600, env=env)
    assert done.returncode == 1 and "Incompatible return value type" in done.stdout
