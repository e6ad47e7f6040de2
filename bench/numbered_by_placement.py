"""A copy of a demo database with its orders numbered in the order they were placed.

    .venv/bin/python bench/numbered_by_placement.py SOURCE.db COPY.db

The services number an order when it is placed, so in a working database the numbers rise
with the dates; the demo counts its numbers from the newest order back, so they fall as the
dates rise. The quick counts under a text of digits (numbers_way.py) depend on how the numbers
follow the dates, so bench_quick_counts.py is run on both. Everything the numbers feed (the
character tallies, the days' spans) is counted again afterwards; the copy passes `hubtui db check`.
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hubtui.store import char_tally, day_numbers  # noqa: E402


def renumber(path: Path) -> None:
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        run = connection.exec_driver_sql
        triggers = [sql for (sql,) in run("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'orders'")]
        for (name,) in run("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'orders'").all():
            run(f"DROP TRIGGER {name}")
        run("CREATE TEMP TABLE placed_order AS SELECT id, "
            "'BT' || printf('%07d', ROW_NUMBER() OVER (ORDER BY placed_at, id)) AS number FROM orders")
        run("CREATE UNIQUE INDEX temp.placed_order_id ON placed_order (id)")
        run("UPDATE orders SET number = 'X' || substr(number, 3)")  # out of the way of the unique index
        run("UPDATE orders SET number = (SELECT number FROM placed_order p WHERE p.id = orders.id)")
        char_tally.rebuild(connection)
        if run("SELECT 1 FROM sqlite_master WHERE name = :name", {"name": day_numbers.TABLE}).first():
            day_numbers.rebuild(connection)
        for sql in triggers:
            run(sql)
    engine.dispose()


def main() -> None:
    source, copy = Path(sys.argv[1]), Path(sys.argv[2])
    started = time.perf_counter()
    shutil.copyfile(source, copy)
    renumber(copy)
    print(f"{copy}: orders numbered by placement in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
