"""A search box over its answers: type to search, arrows move the highlight, enter picks.

Subclasses run the search (in a worker) and call `show_answer`; they say what picking
does. The box keeps enter honest: an enter pressed while the list still shows the answer
to an older text waits for the answer to what is typed now. Keys typed behind that enter
are held for what the pick opens; should no answer come in time they reach the box, and
the text they change drops the waiting enter.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.containers import Vertical
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from hubtui.widgets.key_delivery import KeyHold, hold_keys
from hubtui.widgets.type_ahead import EagerInput, TypeAhead


class ResultList(OptionList, TypeAhead):
    """The answers; enter picks the highlighted one as the key arrives."""

    def __init__(self, *, id: str, on_enter: Callable[[], None]) -> None:
        super().__init__(id=id)
        self.on_enter_now = on_enter


class SearchPicker(Vertical):
    SEARCH_ID: ClassVar[str]
    RESULTS_ID: ClassVar[str]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.found: tuple[Any, ...] = ()
        self.shown_for: str | None = None  # the text whose answer the list shows
        self.pick_when_found: str | None = None  # enter came before the answer for this text
        self._waiting_to_pick = KeyHold()  # the keys typed behind that enter

    def search_box(self, placeholder: str) -> EagerInput:
        box = EagerInput(placeholder=placeholder, id=self.SEARCH_ID, compact=True, on_enter=self._enter_in_search)
        # "?" is in no e-mail, phone, name or stock code: here it asks for help, as everywhere else.
        box.inline_keys = {"down": lambda: self.move(1), "up": lambda: self.move(-1),
                           "question_mark": lambda: self.app.action_help()}  # type: ignore[attr-defined]
        return box

    def results_list(self) -> OptionList:
        return ResultList(id=self.RESULTS_ID, on_enter=lambda: self.pick(self.results.highlighted))

    @property
    def search_input(self) -> Input:
        return self.query_one(f"#{self.SEARCH_ID}", Input)

    @property
    def results(self) -> OptionList:
        return self.query_one(f"#{self.RESULTS_ID}", OptionList)

    def search_changed(self) -> None:
        """Call when the box's text changes: an enter waiting for an older text no longer applies."""
        if self.search_input.value != self.pick_when_found:
            self._stop_waiting_to_pick()

    def show_answer(self, text: str, found: Sequence[Any], labels: Sequence[Text], highlight: int = 0) -> None:
        self.found = tuple(found)
        results = self.results
        results.clear_options()
        results.add_options([Option(label, id=str(i)) for i, label in enumerate(labels)])
        if labels:
            results.highlighted = min(highlight, len(labels) - 1)
        self.shown_for = text
        if self.pick_when_found == text:
            self.pick_when_found = None
            self.pick(results.highlighted)
            self._waiting_to_pick.release()  # the keys behind the enter go to what the pick opened

    @on(OptionList.OptionSelected)
    def _option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_list is self.results:
            self.pick(event.option_index)

    def move(self, delta: int) -> None:
        results = self.results
        if results.option_count:
            current = results.highlighted if results.highlighted is not None else -delta
            results.highlighted = max(0, min(results.option_count - 1, current + delta))

    def _enter_in_search(self, value: str) -> None:
        if self.shown_for != value and self.answer_pending():
            self._stop_waiting_to_pick()
            self.pick_when_found = value
            # What is typed behind this enter is for what the pick opens (the quantity, the next
            # step), not more search text: held until the answer for this text has been picked
            # from, or the text changes (search_changed).
            self._waiting_to_pick = hold_keys(self)
            return
        self.pick(self.results.highlighted)

    def _stop_waiting_to_pick(self) -> None:
        self.pick_when_found = None
        self._waiting_to_pick.release()

    def answer_pending(self) -> bool:
        """Whether an answer to the box's text is still to come (subclasses may know better)."""
        return True

    def pick(self, index: int | None) -> None:
        raise NotImplementedError
