"""Every rename drill makes is followed by an fsync of its folder, so a power
loss after it keeps the new file."""

from __future__ import annotations

import os
import stat

import pytest
from conftest import DECKS

from drill.core import backups
from drill.core import deck as decks
from drill.core.grading import grade
from drill.core.session import Answered
from drill.core.store import Store, set_last_profile, store_dir


@pytest.fixture
def synced(monkeypatch):
    """The folders fsynced, recorded as they are."""
    folders = []
    real = os.fsync

    def fsync(fd):
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            folders.append(os.path.realpath(f"/proc/self/fd/{fd}"))
        return real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    return folders


def test_saving_a_deck_fsyncs_its_folder(tmp_path, synced):
    deck = decks.load(DECKS / "001_2cf52c944239bc02.toml")
    decks.save(deck, tmp_path / "mine.toml")
    assert str(tmp_path.resolve()) in synced


def test_the_store_fsyncs_its_folder_after_each_rename(drill_home, synced):
    store = Store.open("lin")
    card = decks.load(DECKS / "001_2cf52c944239bc02.toml").cards()[0]
    typed = "、".join(card.answer)
    store.record(Answered(card, typed, grade(card.answer, typed, card.ordered), 8.0, 0))
    folder = str(store_dir("lin").resolve())
    assert folder in synced  # the files made by renaming a whole file into place
    synced.clear()
    set_last_profile("lin")
    assert str(store_dir("lin").parent.resolve()) in synced
    synced.clear()
    backups.make(store)
    assert str(backups.backup_dir(store_dir("lin")).resolve()) in synced
