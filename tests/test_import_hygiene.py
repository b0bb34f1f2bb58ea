"""The core never imports Textual: the TUI is one client of it, the CLI another."""

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
