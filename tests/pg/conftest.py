from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from tests.pg.server import PostgresServer

_names = itertools.count(1)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    server = PostgresServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def pg_url(postgres: PostgresServer) -> str:
    """A new, empty PostgreSQL database for one test."""
    return postgres.create_database(f"test_{next(_names)}")
