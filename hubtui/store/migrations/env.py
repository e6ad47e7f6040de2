"""Alembic environment. Always called through hubtui.store.schema with a live connection."""

from alembic import context
from sqlmodel import SQLModel

from hubtui.store import tables  # noqa: F401  (registers the tables on the metadata)
from hubtui.store.schema import include_object

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
    compare_type=True,
    include_object=include_object,  # the FTS index and its shadow tables are not models
)
with context.begin_transaction():
    context.run_migrations()
