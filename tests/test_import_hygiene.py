"""The core never imports Textual: the TUI is one client of it, the CLI another."""

import os
import subprocess
import sys


def test_core_and_cli_import_without_textual_or_jieba():
    code = (
        "import sys, drill, drill.cli, drill.paths, drill.core.deck, drill.core.extract, drill.core.share, "
        "drill.core.text, drill.core.authoring;"
        "from drill.core.extract import extract_text;"
        "extract_text('一是抓学习。二是抓执行。三是抓效能。');"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich', 'jieba'));"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_drilling_imports_no_extractor(tmp_path):
    # start-up pays for what drilling needs: the app reads the bundled decks,
    # shows the deck list, drills a deck to its first card, and never imports
    # the extractor or the authoring workbench (they are for `drill extract` and `drill author`)
    code = (
        "import sys\n"
        "from drill.tui.app import make_app\n"
        "from drill.tui.screens import drill as drill_screen\n"
        "app = make_app(user='lin')\n"
        "shown = drill_screen.DrillScreen.show_card\n"
        "def show_card(screen):\n"
        "    shown(screen)\n"
        "    app.first_card = screen.session.current.id\n"
        "    app.call_after_refresh(app.exit)\n"
        "drill_screen.DrillScreen.show_card = show_card\n"
        "opened = app._open_progress\n"
        "def open_progress():\n"
        "    opened()\n"
        "    app.start_session(app.decks[:1])\n"
        "app._open_progress = open_progress\n"
        "app.run(headless=True, size=(80, 24))\n"
        "print(getattr(app, 'first_card', ''))\n"
        "print(','.join(sorted(m for m in sys.modules if m.startswith(('drill.core.extract', 'drill.core.authoring')))))\n"
        # nor the PostgreSQL side (psycopg, the server's exams) on a store of files
        "print(','.join(sorted(m for m in sys.modules if m.startswith(('psycopg', 'drill.core.pg_')))))\n"
    )
    env = dict(os.environ, DRILL_HOME=str(tmp_path / "home"))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env,
                         stdin=subprocess.DEVNULL, timeout=300)
    first, imported, server = (out.stdout.splitlines() + ["", "", ""])[:3]
    assert "/" in first, out.stdout  # a card was shown: <framework id>/<kind>
    assert imported == ""
    assert server == ""
