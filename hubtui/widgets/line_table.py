"""A list of one page of rows, drawn line by line, asking its screen for more at the edges.

Textual's DataTable lays out and renders every cell as Rich renderables; repainting a page
of orders that way costs about 100 ms. This widget formats each row once into a styled line
of fixed-width columns and paints only the lines in view, so a page change repaints in a few
milliseconds (the Line API, as in Toolong).

A list is a subclass naming its COLUMNS and saying, for a row, its cells (text and style)
and its key (what `Chosen` carries and a refresh keeps the cursor on). Everything shown is
made printable first: names, e-mails and tags come from people and files.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Generic, TypeVar

from rich.segment import Segment
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from hubtui.domain.text import printable

T = TypeVar("T")
GAP = 1


@dataclass(frozen=True)
class Column:
    heading: str
    width: int
    right: bool = False


@dataclass(frozen=True)
class Cell:
    text: str
    style: str = ""


def fit(text: str, width: int, right: bool = False) -> str:
    """`text` made printable on one line and set in `width` columns, ending in "…" when cut."""
    text = printable(text, one_line=True)
    text = text if len(text) <= width else text[: width - 1] + "…"
    return text.rjust(width) if right else text.ljust(width)


def line_of(columns: Sequence[Column], cells: Sequence[Cell]) -> Text:
    """One row as a line of fixed-width columns."""
    line = Text(" ", end="", no_wrap=True)
    for cell, column in zip(cells, columns):
        line.append(fit(cell.text, column.width, column.right), style=cell.style)
        line.append(" " * GAP)
    return line


class LineTable(ScrollView, Generic[T], can_focus=True):
    """Holds exactly the page it shows. `EdgeReached` asks for the next or previous page."""

    DEFAULT_CSS = """
    LineTable {
        height: 1fr;
        background: $surface;
    }
    LineTable > .line-table--header {
        text-style: bold;
        background: $panel;
    }
    LineTable > .line-table--cursor {
        background: $accent;
        color: $text;
    }
    LineTable > .line-table--stripe {
        background: $boost;
    }
    """
    COMPONENT_CLASSES = {"line-table--header", "line-table--cursor", "line-table--stripe"}
    BINDINGS = [
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "go_top", "Top of page", show=False),
        Binding("end", "go_bottom", "Bottom of page", show=False),
        Binding("enter", "choose", "Open", show=False),
        Binding("left", "scroll_left", show=False),
        Binding("right", "scroll_right", show=False),
    ]
    COLUMNS: ClassVar[tuple[Column, ...]] = ()

    cursor_row: reactive[int] = reactive(0, always_update=True)

    class EdgeReached(Message):
        def __init__(self, forward: bool) -> None:
            super().__init__()
            self.forward = forward

    class Chosen(Message):
        """Enter on a row: its key."""

        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: tuple[T, ...] = ()
        self._lines: list[Text] = []
        self._segments: dict[int, list[Segment]] = {}  # row index -> its rendered line, made when first painted
        self._header_line = line_of(self.COLUMNS, [Cell(column.heading) for column in self.COLUMNS])
        self._line_width = sum(column.width for column in self.COLUMNS) + GAP * len(self.COLUMNS)

    # ------------------------------------------------------------------ what a list says

    def cells(self, row: T) -> Sequence[Cell]:
        raise NotImplementedError

    def row_key(self, row: T) -> str:
        raise NotImplementedError

    # ------------------------------------------------------------------ data

    @property
    def row_count(self) -> int:
        return len(self.rows)

    def keys(self) -> list[str]:
        return [self.row_key(row) for row in self.rows]

    def show_rows(self, rows: Sequence[T], *, cursor_at_end: bool = False, keep: str | None = None) -> None:
        """Replace the rows; the cursor stays on the row keyed `keep` when it is still there."""
        self.rows = tuple(rows)
        self._lines = [line_of(self.COLUMNS, self.cells(row)) for row in self.rows]
        self._segments = {}
        self.virtual_size = Size(self._line_width, len(self.rows) + 1)
        target = len(self.rows) - 1 if cursor_at_end else 0
        if keep is not None:
            target = next((i for i, row in enumerate(self.rows) if self.row_key(row) == keep), target)
        self.scroll_to(y=0 if target == 0 else None, animate=False, immediate=True)
        self.cursor_row = max(0, target)
        self.refresh()

    def highlighted(self) -> T | None:
        if not self.rows:
            return None
        return self.rows[min(self.cursor_row, len(self.rows) - 1)]

    def highlighted_key(self) -> str | None:
        row = self.highlighted()
        return None if row is None else self.row_key(row)

    # ------------------------------------------------------------------ painting

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.size.width
        if y == 0:
            segments = list(self._header_line.render(self.app.console))
            style = self.get_component_rich_style("line-table--header")
        else:
            index = scroll_y + y - 1
            if index >= len(self._lines):
                return Strip.blank(width, self.rich_style)
            segments = self._segments.get(index)
            if segments is None:
                segments = self._segments[index] = list(self._lines[index].render(self.app.console))
            if index == self.cursor_row:
                style = self.get_component_rich_style("line-table--cursor")
            elif index % 2:
                style = self.get_component_rich_style("line-table--stripe")
            else:
                style = self.rich_style
        strip = Strip(Segment.apply_style(segments, style), self._line_width)
        return strip.crop_extend(scroll_x, scroll_x + width, style)

    def watch_cursor_row(self, old: int, new: int) -> None:
        self._keep_cursor_in_view()
        self.refresh()

    def _keep_cursor_in_view(self) -> None:
        visible = max(1, self.size.height - 1)  # the header takes a line
        top = self.scroll_offset.y
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, immediate=True)
        elif self.cursor_row >= top + visible:
            self.scroll_to(y=self.cursor_row - visible + 1, animate=False, immediate=True)

    # ------------------------------------------------------------------ keys

    def _move(self, to: int, forward: bool) -> None:
        """Put the cursor at row `to`, or ask for the next page when it is already at that edge."""
        if not self.rows:
            return
        at_edge = self.cursor_row >= len(self.rows) - 1 if forward else self.cursor_row <= 0
        if at_edge:
            self.post_message(self.EdgeReached(forward=forward))
        else:
            self.cursor_row = max(0, min(len(self.rows) - 1, to))

    def action_cursor_down(self) -> None:
        self._move(self.cursor_row + 1, forward=True)

    def action_cursor_up(self) -> None:
        self._move(self.cursor_row - 1, forward=False)

    def action_page_down(self) -> None:
        self._move(self.cursor_row + max(1, self.size.height - 2), forward=True)

    def action_page_up(self) -> None:
        self._move(self.cursor_row - max(1, self.size.height - 2), forward=False)

    def action_go_top(self) -> None:
        if self.rows:
            self.cursor_row = 0

    def action_go_bottom(self) -> None:
        if self.rows:
            self.cursor_row = len(self.rows) - 1

    def action_choose(self) -> None:
        key = self.highlighted_key()
        if key is not None:
            self.post_message(self.Chosen(key))


__all__ = ["Cell", "Column", "LineTable", "fit", "line_of"]
