"""The process that builds the demo's orders (demo_orders.py) while the loading one writes them.

It dies with the process that started it, even under `kill -9` (PR_SET_PDEATHSIG on Linux, a
watch on its parent elsewhere), and ignores Ctrl-C, which stops its parent: the parent then
ends it.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from hubtui.services.demo_orders import DemoRefused, OrderBatch, Rows

CHUNK = 10_000  # orders a batch


def _produce(out, parent, rng, now, orgs, timestamp, ids, total) -> None:  # type: ignore[no-untyped-def]
    """Worker process: build every chunk of orders and hand each over as plain rows."""
    _die_with(parent)
    try:
        order_id, line_id, rma_id = ids
        done = 0
        while done < total:
            batch = OrderBatch(rng, now, orgs, timestamp, order_id, line_id, rma_id, done, total)
            batch.build(min(CHUNK, total - done))
            order_id, line_id, rma_id = batch.next_order_id, batch.next_line_id, batch.next_rma_id
            done += len(batch.orders)
            out.put(Rows(batch.orders, batch.lines, batch.payments, batch.discounts, batch.returns,
                         batch.return_lines, batch.refunds, batch.activity, batch.tallies, batch.text_tallies, batch.day_tallies))
        out.put(None)
    except BaseException as error:  # the parent re-raises it
        out.put(DemoRefused(f"Building demo orders failed: {error}"))


_PR_SET_PDEATHSIG = 1


def _die_with(parent: int) -> None:
    """Make the worker end with the process that started it, however that one ends.

    Its parent's Ctrl-C is the parent's to handle (it ends the worker); a parent killed
    outright (`kill -9`) cannot, so the kernel is asked to kill the worker then (Linux), and
    a thread watches for the worker being handed to another parent (everywhere).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    if os.getppid() != parent:  # the parent died before the request above was made
        os._exit(1)
    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


@contextmanager
def worker_batches(rng, now, orgs, timestamp, ids, total, check) -> Iterator[Iterator[Rows]]:  # type: ignore[no-untyped-def]
    """Chunks of rows built by a second process, so building and writing use both cores.
    The process is ended when the block ends, however it ends (an error, Ctrl-C)."""
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    ready = context.Queue(maxsize=3)
    worker = context.Process(target=_produce, args=(ready, os.getpid(), rng, now, orgs, timestamp, ids, total),
                             daemon=True, name="hubtui-demo-orders")
    worker.start()

    def batches() -> Iterator[Rows]:
        while True:
            try:
                item = ready.get(timeout=0.2)
            except queue.Empty:
                check()
                if not worker.is_alive():
                    raise DemoRefused("The demo data worker stopped unexpectedly.") from None
                continue
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    try:
        yield batches()
    finally:
        if worker.is_alive():
            worker.terminate()
        worker.join()
        ready.close()


__all__ = ["CHUNK", "worker_batches"]
