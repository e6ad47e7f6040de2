"""Number allocation: order and RMA numbers come from counters that only ever go up."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from hubtui.store.tables import Sequence

ORDER_NUMBERS = "order_number"
RMA_NUMBERS = "rma_number"

_sequences = Sequence.__table__


def take_next(session: Session, name: str, count: int = 1) -> int:
    """Reserve `count` values and return the first. Runs inside the caller's write transaction."""
    result = session.execute(
        update(_sequences)
        .where(_sequences.c.name == name)
        .values(value=_sequences.c.value + count)
        .returning(_sequences.c.value)
    ).first()
    if result is None:
        session.add(Sequence(name=name, value=count))
        session.flush()
        return 1
    return int(result[0]) - count + 1


def peek(session: Session, name: str) -> int:
    value = session.execute(select(_sequences.c.value).where(_sequences.c.name == name)).scalar()
    return int(value or 0)


def set_at_least(session: Session, name: str, value: int) -> None:
    """Move a counter past numbers that were assigned outside it (imports, bulk loads)."""
    current = session.execute(select(_sequences.c.value).where(_sequences.c.name == name)).scalar()
    if current is None:
        session.add(Sequence(name=name, value=value))
    elif current < value:
        session.execute(update(_sequences).where(_sequences.c.name == name).values(value=value))
    session.flush()
