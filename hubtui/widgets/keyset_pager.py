"""Where a keyset-paged list is: the page on screen, the rows before it, the total, and which
page to ask for next. Plain Python (no Textual), so any list screen and its tests share it.

A page is asked for by a PageRequest (the first, the one after or before a cursor, the last,
or the one on screen again); `arrived` takes the answer and says whether to show it. A
keyset page knows its neighbours only by its edge rows, so the position "51–100 of 1,234"
is counted here from the moves made, and corrected by the total once it is known.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Generic, Protocol, TypeVar


C = TypeVar("C")
T = TypeVar("T")


class PageLike(Protocol[T, C]):
    @property
    def rows(self) -> tuple[T, ...]: ...
    @property
    def first(self) -> C | None: ...
    @property
    def last(self) -> C | None: ...
    @property
    def has_before(self) -> bool: ...
    @property
    def has_after(self) -> bool: ...


@dataclass(frozen=True)
class PageRequest(Generic[C]):
    """Which page to read: the first, the one after/before a cursor, or the last."""

    after: C | None = None
    before: C | None = None
    from_end: bool = False
    keep: str | None = None  # the key of the row to keep the cursor on
    again: bool = False  # the page on screen, read again (refresh)

    @property
    def is_first(self) -> bool:
        return self.after is None and self.before is None and not self.from_end


class KeysetPager(Generic[T, C]):
    def __init__(self) -> None:
        self.page: PageLike[T, C] | None = None
        self.rows_before = 0  # rows before the page on screen, for "51–100 of …"
        self.request: PageRequest[C] = PageRequest()  # what brought the page on screen
        self.total: int | None = None

    def restart(self) -> None:
        """A new query: the position and total are unknown until its first page and count."""
        self.rows_before = 0
        self.total = None

    # ------------------------------------------------------------------ the next question

    def next(self) -> PageRequest[C] | None:
        page = self.page
        if page is not None and page.has_after and page.last is not None:
            return PageRequest(after=page.last)
        return None

    def previous(self) -> PageRequest[C] | None:
        page = self.page
        if page is not None and page.has_before and page.first is not None:
            return PageRequest(before=page.first)
        return None

    def again(self, keep: str | None) -> PageRequest[C]:
        return replace(self.request, keep=keep, again=True)

    # ------------------------------------------------------------------ answers

    def arrived(self, request: PageRequest[C], page: PageLike[T, C]) -> bool:
        """Take a page read for `request`; False: nothing further that way, keep the one on screen."""
        if not page.rows and (request.after is not None or request.before is not None) and not request.again:
            return False  # before moving the position: the page on screen stays where it was
        if request.again:
            pass  # the same page read again: nothing moved
        elif request.from_end and self.total is not None:
            self.rows_before = max(0, self.total - len(page.rows))
        elif request.after is not None and self.page is not None:
            self.rows_before += len(self.page.rows)
        elif request.before is not None:
            self.rows_before = max(0, self.rows_before - len(page.rows))
        elif request.is_first:
            self.rows_before = 0
        self.page = page
        self.request = replace(request, keep=None, again=False)
        return True

    def counted(self, total: int) -> None:
        self.total = total
        if self.page is not None and not self.page.has_after and self.page.rows:
            self.rows_before = max(0, total - len(self.page.rows))

    def position(self) -> str:
        """ "51–100 of 1,234" ("…" while the total is being counted); "" with no rows."""
        rows = len(self.page.rows) if self.page is not None else 0
        if rows == 0:
            return ""
        total = "…" if self.total is None else f"{self.total:,}"
        return f"{self.rows_before + 1:,}–{self.rows_before + rows:,} of {total}"


__all__ = ["KeysetPager", "PageLike", "PageRequest"]
