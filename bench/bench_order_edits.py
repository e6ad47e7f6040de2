"""What editing an order costs (issue 11): the money preview an operator sees as lines change,
saving the lines, and a promotion code, on a demo database of the given size.

    .venv/bin/python bench/bench_order_edits.py [--orders 100000]

Builds the demo in a temporary file, then times on editable orders (Pending or Approved): the
preview (read only), a line's quantity changed and saved (one transaction with the version
check, the activity entry and the payment status), and a promotion applied. Medians in ms.
Results go to the "Order editing" section of RESULTS.md.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from results import replace_section  # noqa: E402

from hubtui.domain.order_edits import AddProduct, SetQuantity  # noqa: E402
from hubtui.domain.order_query import OrderQuery  # noqa: E402
from hubtui.services.context import open_context  # noqa: E402
from hubtui.services.demo import load_demo  # noqa: E402
from hubtui.services.order_discounts import apply_promotion, remove_discount  # noqa: E402
from hubtui.services.order_lines import change_lines, preview_lines  # noqa: E402
from hubtui.services.order_reads import get_order, list_orders  # noqa: E402
from hubtui.store.engine import Store  # noqa: E402

SAMPLES = 40


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store = Store(f"sqlite:///{Path(folder) / 'edits.db'}")
        started = time.perf_counter()
        load_demo(store, orders=args.orders, seed=3)
        loaded = time.perf_counter() - started
        ctx = open_context(store, "alice", tz=timezone.utc)
        rows = list_orders(ctx, OrderQuery(status="Approved"), limit=SAMPLES * 3).rows
        numbers = [r.number for r in rows if r.order_total > 0 and not get_order(ctx, r.number).discounts][:SAMPLES]
        timings: dict[str, list[float]] = {"preview: a product added and a quantity changed": [],
                                           "save: a quantity changed": [], "apply a promotion code": [],
                                           "remove a discount": []}
        for number in numbers:
            detail = get_order(ctx, number)
            edits = [AddProduct("BT-DRI-1000", 2), SetQuantity(detail.lines[0].line_no, detail.lines[0].quantity + 1)]
            for name, action in (
                ("preview: a product added and a quantity changed", lambda: preview_lines(ctx, number, edits)),
                ("save: a quantity changed", lambda: change_lines(ctx, number, edits[1:])),
                ("apply a promotion code", lambda: apply_promotion(ctx, number, "SAVE10")),
            ):
                t0 = time.perf_counter()
                result = action()
                timings[name].append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            remove_discount(ctx, number, result.discounts[-1].id)  # type: ignore[union-attr]
            timings["remove a discount"].append((time.perf_counter() - t0) * 1000)
        store.dispose()
    body = [f"`bench/bench_order_edits.py --orders {args.orders:,}`: a demo of {args.orders:,} orders "
            f"(loaded in {loaded:.1f} s), {len(numbers)} Approved orders each previewed, changed, discounted and "
            "the discount removed through the services (each write: lock, version check, the lines and discounts "
            "worked out again, totals, payment status, activity entry, read back). Medians and the slowest, ms.", "",
            "| operation | median ms | slowest ms |", "|---|---:|---:|"]
    for name, samples in timings.items():
        body.append(f"| {name} | {statistics.median(samples):.1f} | {max(samples):.1f} |")
    replace_section(HERE / "RESULTS.md", "Order editing", body)
    print("\n".join(body))


if __name__ == "__main__":
    main()
