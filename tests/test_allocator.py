"""The C allocator told to reuse freed memory, where it is glibc's, for the commands that run as processes of
their own (prepare, and the check of an upload), never for an app server."""

from __future__ import annotations

import platform
import subprocess
import sys
from pathlib import Path

import pytest

from metrics.commands import prepare as prepare_command
from metrics.core import allocator


def test_both_settings_are_asked_for_together(monkeypatch):
    calls = []

    class Library:  # glibc's mallopt, recorded (this process's own allocator is left as it is)
        @staticmethod
        def mallopt(parameter, value):
            calls.append((parameter, value))
            return 1

    monkeypatch.setattr(allocator.sys, "platform", "linux")
    monkeypatch.setattr(allocator.ctypes, "CDLL", lambda _name: Library())
    assert allocator.reuse_freed_memory()
    assert calls == [(allocator.M_MMAP_THRESHOLD, 32 * 1024 * 1024), (allocator.M_TRIM_THRESHOLD, 64 * 1024 * 1024)]


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt is glibc's")
def test_glibc_takes_them():
    """In a process of its own, as the prepare command runs."""
    said = subprocess.run(
        [sys.executable, "-c", "from metrics.core.allocator import reuse_freed_memory as r; print(r())"],
        cwd=Path(allocator.__file__).parents[2],
        capture_output=True,
        text=True,
        check=True,
    )
    assert said.stdout.strip() == "True"


def test_elsewhere_nothing_changes(monkeypatch):
    def no_library(_name):
        raise OSError("no C library here")

    monkeypatch.setattr(allocator.ctypes, "CDLL", no_library)
    assert allocator.reuse_freed_memory() is False
    monkeypatch.setattr(allocator.ctypes, "CDLL", lambda _name: object())  # a C library without mallopt
    assert allocator.reuse_freed_memory() is False
    monkeypatch.setattr(allocator.sys, "platform", "darwin")
    assert allocator.reuse_freed_memory() is False


def test_the_prepare_command_asks_for_it_and_an_app_server_does_not(monkeypatch, tmp_path):
    asked = []
    monkeypatch.setattr(prepare_command, "reuse_freed_memory", lambda: asked.append(True) or True)
    monkeypatch.setenv("PERFORMANCE_CACHE_DIR", str(tmp_path))
    assert prepare_command.main([]) == 0  # the shipped demo snapshots
    assert asked == [True]
    app_code = [
        path
        for path in Path(allocator.__file__).parents[2].glob("**/*.py")
        if "reuse_freed_memory" in path.read_text() and "tests" not in path.parts
    ]
    assert sorted(path.name for path in app_code) == ["allocator.py", "prepare.py", "stage.py"]
    assert all("commands" in path.parts for path in app_code if path.name != "allocator.py")
