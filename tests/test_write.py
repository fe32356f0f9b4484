"""Atomic writes: the old file stays whole until the new one is complete."""

import pytest

from fichemetier import write
from fichemetier.write import write_atomic


def test_write_creates_folders_and_replaces(tmp_path):
    target = tmp_path / "a" / "b.pdf"
    write_atomic(target, b"one")
    write_atomic(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in target.parent.iterdir()] == ["b.pdf"]
    assert target.stat().st_mode & 0o777 == 0o644


def test_failure_mid_write_keeps_the_old_file_and_no_temp(tmp_path, monkeypatch):
    target = tmp_path / "b.pdf"
    target.write_bytes(b"old")

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(write.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["b.pdf"]


def test_longest_name_gets_a_temporary_file_that_fits(tmp_path):
    target = tmp_path / ("é" * 125 + ".pdf")  # 254 bytes: 2 bytes a letter
    write_atomic(target, b"one")
    assert target.read_bytes() == b"one"


def test_leftovers_of_every_kind_are_removed_and_nothing_else(tmp_path):
    ours = [".a.pdf.x1y2.tmp", ".fiches-cache.json.ab12.tmp", ".b.pdf.abcdefgh.fiches-tmp"]
    others = ["notes.tmp", ".vim.tmp", "a.pdf"]
    for name in ours + others:
        (tmp_path / name).write_bytes(b"x")
    write.remove_leftovers(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(others)
