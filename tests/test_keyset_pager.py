"""The list pager as plain Python: walking a keyset-paged list forward, back, to the end and
reading a page again keeps "51–100 of N" right, whatever the page size."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from hubtui.widgets.keyset_pager import KeysetPager, PageRequest


@dataclass(frozen=True)
class FakePage:
    rows: tuple[int, ...]
    first: int | None
    last: int | None
    has_before: bool
    has_after: bool


def read(rows: list[int], request: PageRequest[int], size: int) -> FakePage:
    """Keyset pages over `rows` (their own keys), as list_orders answers."""
    if request.after is not None:
        start = rows.index(request.after) + 1
        chunk = rows[start:start + size]
    elif request.before is not None:
        end = rows.index(request.before)
        start = max(0, end - size)
        chunk = rows[start:end]
    elif request.from_end:
        start = max(0, len(rows) - size)
        chunk = rows[start:]
    else:
        start, chunk = 0, rows[:size]
    if not chunk:
        return FakePage((), None, None, False, False)
    return FakePage(tuple(chunk), chunk[0], chunk[-1], start > 0, start + len(chunk) < len(rows))


@pytest.mark.parametrize(("total", "size"), [(0, 5), (3, 5), (5, 5), (12, 5), (101, 50)])
def test_walking_the_list_keeps_the_position(total: int, size: int) -> None:
    rows = list(range(100, 100 + total))
    pager: KeysetPager[int, int] = KeysetPager()

    def go(request: PageRequest[int] | None) -> bool:
        return request is not None and pager.arrived(request, read(rows, request, size))

    go(PageRequest())
    pager.counted(total)
    seen = list(pager.page.rows) if pager.page else []
    steps = 0
    while go(pager.next()):
        seen += pager.page.rows  # type: ignore[union-attr]
        first = rows.index(pager.page.rows[0]) + 1  # type: ignore[union-attr]
        assert pager.position() == f"{first:,}–{first + len(pager.page.rows) - 1:,} of {total:,}"  # type: ignore[union-attr]
        steps += 1
    assert seen == rows and steps == max(0, -(-total // size) - 1)
    while go(pager.previous()):
        steps -= 1
    assert steps == 0 and pager.rows_before == 0
    assert pager.position() == ("" if total == 0 else f"1–{min(size, total):,} of {total:,}")
    go(PageRequest(from_end=True))
    if total:
        assert pager.position().endswith(f"{total:,} of {total:,}")
        assert pager.arrived(pager.again(keep=None), read(rows, PageRequest(from_end=True), size))
        assert pager.position().endswith(f"{total:,} of {total:,}")


def test_an_empty_page_past_the_end_keeps_the_one_on_screen() -> None:
    pager: KeysetPager[int, int] = KeysetPager()
    pager.arrived(PageRequest(), FakePage((1, 2), 1, 2, False, True))
    assert not pager.arrived(PageRequest(after=2), FakePage((), None, None, False, False))
    assert pager.page is not None and pager.page.rows == (1, 2) and pager.position() == "1–2 of …"
