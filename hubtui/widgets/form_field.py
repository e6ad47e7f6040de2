"""A form field: its caption, a one-line input, and what is wrong with it right underneath."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label

from hubtui.widgets.type_ahead import EagerInput
from hubtui.widgets.safe_text import safe


class FormField(Vertical):
    DEFAULT_CSS = """
    FormField {
        height: auto;
    }
    FormField > Horizontal {
        height: 1;
    }
    FormField .field-caption {
        width: 16;
        color: $text-muted;
    }
    FormField Input {
        width: 1fr;
    }
    FormField .field-error {
        color: $error;
        padding-left: 16;
        display: none;
    }
    FormField.-invalid .field-error {
        display: block;
    }
    FormField.-invalid .field-caption {
        color: $error;
    }
    """

    def __init__(self, caption: str, value: str = "", *, input_id: str, placeholder: str = "",
                 max_length: int = 0, id: str | None = None) -> None:
        super().__init__(id=id)
        self.caption = caption
        self.initial = value
        self.input_id = input_id
        self.placeholder = placeholder
        self.max_length = max_length

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Label(self.caption, classes="field-caption")
            # enter goes on to the next field, and keys typed ahead follow it there
            yield EagerInput(self.initial, placeholder=self.placeholder, max_length=self.max_length, id=self.input_id,
                             compact=True)
        yield Label("", classes="field-error", markup=False)

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    @property
    def value(self) -> str:
        return self.input.value

    @value.setter
    def value(self, text: str) -> None:
        self.input.value = text

    @property
    def error(self) -> str:
        return str(self.query_one(".field-error", Label).content) if self.has_class("-invalid") else ""

    def set_error(self, message: str | None) -> None:
        self.query_one(".field-error", Label).update(safe(message or ""))  # it can repeat what was typed
        self.set_class(bool(message), "-invalid")
