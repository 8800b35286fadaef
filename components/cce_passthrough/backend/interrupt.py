"""Ctrl-C during a change: finish the change first, then stop with one line (exit 130).

A change to the bucket (bootstrap's settings, restore's copy) is a short sequence of requests
bounded by the client's timeouts. Stopping in the middle would leave a half-configured bucket, or
a copy whose outcome nobody reported, so a first Ctrl-C is held until the sequence is done. A
second Ctrl-C stops at once: the user has said twice that waiting is worse.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

EXIT_INTERRUPTED = 130  # 128 + SIGINT, what a shell reports for a command stopped by Ctrl-C


class Interrupted(KeyboardInterrupt):
    """Ctrl-C, with what it means for the bucket (the one line printed)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@contextmanager
def finish_before_interrupt(*, finished: str, cut_short: str) -> Iterator[None]:
    """Hold Ctrl-C until the block is done, then raise :class:`Interrupted` (``finished``).

    A second Ctrl-C raises at once (``cut_short``). Signal handlers can only be installed in the
    main thread; elsewhere (a library caller's worker thread) the block runs unprotected.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        if held:
            raise Interrupted(cut_short)
        held.append(signum)

    previous = signal.signal(signal.SIGINT, hold)
    try:
        yield
    finally:
        # None: the previous handler was not installed from Python; Python's own is the closest.
        signal.signal(signal.SIGINT, signal.default_int_handler if previous is None else previous)
    if held:
        raise Interrupted(finished)
