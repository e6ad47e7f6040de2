"""How long each text a person or a file supplies may be, defined once (SPEC 8a).

Forms cap their fields with these and the services refuse anything longer, the same way
on SQLite and PostgreSQL.
"""

from __future__ import annotations

NOTE_LIMIT = 400  # a note, or the comment on a status change or a payment
