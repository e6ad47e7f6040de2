"""Fixtures for the TUI tests: an app on a private copy of the demo database, at the fixed clock."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from hubtui.app import HubApp
from hubtui.services.context import Context


@pytest.fixture
def alice(context_for: Callable[..., Context]) -> Context:
    """alice, an agent in BTOOLS, with the fixed clock and UTC."""
    return context_for("alice")


@pytest.fixture
def make_app(demo_store, context_for: Callable[..., Context]) -> Callable[..., HubApp]:
    """make_app("wendy") -> a HubApp on the test's demo copy, signed in as that user."""

    def make(user: str = "alice", org: str | None = None, settings=None) -> HubApp:
        return HubApp(store=demo_store, context=context_for(user, org), settings=settings)

    return make
