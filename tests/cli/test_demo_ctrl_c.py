"""Ctrl-C during `hubtui demo` is a flag the load asks after (hubtui.cli.demo._ctrl_c): set by the
signal when the program handles it, left alone when it started ignoring it (a background job of a
shell without job control, where Ctrl-C at the terminal is not meant for it)."""

from __future__ import annotations

import os
import signal
import time

from hubtui.cli.demo import _ctrl_c


def _deliver_sigint() -> None:
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(0.05)  # the handler runs in this thread at the next bytecode


def test_ctrl_c_sets_the_flag_and_the_handler_before_is_put_back() -> None:
    before = signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with _ctrl_c() as asked:
            assert not asked.is_set()
            _deliver_sigint()
            assert asked.is_set()
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    finally:
        signal.signal(signal.SIGINT, before)


def test_an_ignored_ctrl_c_stays_ignored_and_never_sets_the_flag() -> None:
    before = signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with _ctrl_c() as asked:
            assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
            _deliver_sigint()
            assert not asked.is_set()
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, before)
