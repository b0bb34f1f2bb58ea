"""Nothing is read outside what the user asked for: a deck's source or a
speech that is a kernel's file (/proc) or a device is refused, never read."""

from __future__ import annotations

from pathlib import Path

import pytest

from drill import cli
from drill.core import deck as decks


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="no /proc on this system")
def test_a_deck_whose_source_is_a_kernel_file_reads_nothing_of_it(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("DRILL_SECRET_FOR_TEST", "不该泄露的内容")
    deck = tmp_path / "d.toml"
    deck.write_text('format = 1\ntitle = "t"\nsource = "/proc/self/environ"\n\n[[frameworks]]\n'
                    'id = "par-1"\nkind = "parallel"\nname = "三项"\n'
                    'items = ["不该泄露的内容", "强作风", "优环境"]\n', "utf-8")
    _, problems = decks.check(deck)
    messages = [p.message for p in problems]
    assert any("system file" in m for m in messages), messages
    assert not any("not in the source" in m for m in messages)  # nothing was compared with it


@pytest.mark.parametrize("path", ["/proc/self/status", "/dev/zero", "/dev/null"])
def test_extracting_a_kernel_file_or_a_device_is_a_one_line_error(path, capsys):
    if not Path(path).exists():
        pytest.skip(f"{path} does not exist here")
    assert cli.main(["extract", path]) != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and path in err[0]
