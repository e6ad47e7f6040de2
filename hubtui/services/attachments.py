"""Files attached to an order (issue 11): read from a path the operator gives, checked (a
regular file, not a link, within the size limit, of an allowed type by its first bytes, a name
that shows as it is), stored once under the SHA-256 of the content in the attachment folder,
listed, and saved back out to a path the operator gives. The file's own name is only a label:
no path is ever made from it, so nothing is written outside the attachment folder but where
the operator asks for a copy."""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from hubtui.domain.attachments import CONTENT_TYPES, SIZE_LIMIT, ALLOWED, kind_of, label_problem, size_problem
from hubtui.domain.permissions import Permission
from hubtui.services import audit
from hubtui.services.context import Context
from hubtui.services.errors import InvalidInput
from hubtui.services.order_access import lock_order
from hubtui.services.order_lookup import find_order
from hubtui.services.refusals import refusals_recorded
from hubtui.store.engine import Store
from hubtui.store.org_tables import OrgSetting
from hubtui.store.tables import Attachment


@dataclass(frozen=True)
class AttachmentView:
    id: int
    label: str
    kind: str
    size: int
    sha256: str
    added_at: datetime
    added_by: str


def attachment_folder(store: Store) -> Path:
    """Next to a SQLite file (`orders.db` -> `orders-attachments/`), so a copied database keeps
    its files beside it; for a server database, under the user data directory."""
    override = os.environ.get("HUBTUI_ATTACHMENTS_DIR")
    if override:
        return Path(override)
    if store.path is not None:
        path = Path(store.path)
        return path.with_name(f"{path.stem}-attachments")
    from platformdirs import user_data_dir

    return Path(user_data_dir("hubtui")) / "attachments"


def read_file(path_text: str, limit: int = SIZE_LIMIT) -> tuple[str, bytes]:
    """The label and content of the file at `path_text`, or InvalidInput saying why not."""
    if "\x00" in path_text:
        raise InvalidInput("The path cannot hold a NUL character (\\x00).", "path")
    if not path_text.strip():
        raise InvalidInput("Give the path of the file to attach.", "path")
    path = Path(path_text).expanduser()
    try:
        info = path.lstat()
    except FileNotFoundError:
        raise InvalidInput(f"There is no file at {path_text}.", "path") from None
    except OSError as error:
        raise InvalidInput(f"{path_text} cannot be read: {error.strerror or error}.", "path") from None
    if stat.S_ISLNK(info.st_mode):
        raise InvalidInput(f"{path_text} is a symbolic link; attach the file it points to.", "path")
    if stat.S_ISDIR(info.st_mode):
        raise InvalidInput(f"{path_text} is a folder, not a file.", "path")
    if not stat.S_ISREG(info.st_mode):
        raise InvalidInput(f"{path_text} is not a regular file (a device, a pipe or a socket).", "path")
    problem = label_problem(path.name) or size_problem(info.st_size, limit)
    if problem:
        raise InvalidInput(problem, "path")
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as error:
        raise InvalidInput(f"{path_text} cannot be read: {error.strerror or error}.", "path") from None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):  # swapped for something else meanwhile
            raise InvalidInput(f"{path_text} is not a regular file.", "path")
        data = handle.read(limit + 1)
    problem = size_problem(len(data), limit)
    if problem:
        raise InvalidInput(problem, "path")
    return path.name, data


def _keep(folder: Path, data: bytes) -> str:
    """Store `data` under its hash (once); returns the hash."""
    digest = hashlib.sha256(data).hexdigest()
    target = folder / digest[:2] / digest
    if target.exists():
        return digest
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return digest


STORAGE_SETTING = "attachment_storage"  # "database": in the attachments table, for a server database
IN_DATABASE = "database"


def stored_in_database(session: Session, org_id: int) -> bool:
    """Whether the organisation keeps attachment files in the database (a setting, meant for
    PostgreSQL, where several machines share the store but not a folder) instead of the folder."""
    value = session.scalar(select(OrgSetting.value).where(OrgSetting.org_id == org_id,
                                                           OrgSetting.key == STORAGE_SETTING))
    return value == IN_DATABASE


@refusals_recorded("attach file")
def attach_file(ctx: Context, number: str, path_text: str, *, limit: int = SIZE_LIMIT) -> AttachmentView:
    ctx.require(Permission.add_note)
    label, data = read_file(path_text, limit)
    kind = kind_of(data, label)
    if kind is None:
        raise InvalidInput(f"{label} is not a file type that can be attached ({', '.join(ALLOWED)}), "
                           "judged by its content.", "path")
    with ctx.store.read() as session:
        order = find_order(session, ctx, number)  # a wrong number stores no file
        in_database = stored_in_database(session, order.org_id)
    digest = hashlib.sha256(data).hexdigest() if in_database else _keep(attachment_folder(ctx.store), data)
    with ctx.store.write() as session:
        order = lock_order(session, ctx, number)
        row = Attachment(order_id=order.id, filename=label, content_type=CONTENT_TYPES[kind], size=len(data),
                         data=data if in_database else b"", sha256=digest, created_at=ctx.now(),
                         created_by=ctx.operator.user_name)
        session.add(row)
        session.flush()
        audit.record(session, ctx, order_id=order.id, action="attachment",
                     summary=f"Attached {label} ({kind}, {len(data):,} bytes)",
                     after={"attachment": row.id, "label": label, "sha256": digest, "size": len(data)})
        return _view(row)


def list_attachments(ctx: Context, number: str) -> list[AttachmentView]:
    ctx.require(Permission.view_orders)
    with ctx.store.read() as session:
        order = find_order(session, ctx, number)
        rows = session.scalars(select(Attachment).where(Attachment.order_id == order.id).order_by(Attachment.id))
        return [_view(row) for row in rows]


def save_attachment(ctx: Context, number: str, attachment_id: int, destination: str) -> Path:
    """Write a copy of the attachment to `destination` (a file path the operator gives; a folder
    takes the label as the name only after the label was checked on the way in). Refuses to
    overwrite an existing file."""
    ctx.require(Permission.view_orders)
    with ctx.store.read() as session:
        order = find_order(session, ctx, number)
        row = session.get(Attachment, attachment_id)
        if row is None or row.order_id != order.id:
            raise InvalidInput(f"{order.number} has no attachment {attachment_id}.", "attachment")
        label, digest, inline = row.filename, row.sha256, bytes(row.data)
    if "\x00" in destination or not destination.strip():
        raise InvalidInput("Give the path to save the copy to.", "path")
    target = Path(destination).expanduser()
    if target.is_dir():
        if label_problem(label):
            raise InvalidInput("Give a file name: this attachment's own name cannot be used.", "path")
        target = target / label
    data = inline or (attachment_folder(ctx.store) / digest[:2] / digest).read_bytes()
    try:
        with open(target, "xb") as out:
            out.write(data)
    except FileExistsError:
        raise InvalidInput(f"{target} exists already; give another name.", "path") from None
    except OSError as error:
        raise InvalidInput(f"Cannot write {target}: {error.strerror or error}.", "path") from None
    return target


def _view(row: Attachment) -> AttachmentView:
    kind = next((k for k, t in CONTENT_TYPES.items() if t == row.content_type), row.content_type)
    return AttachmentView(row.id, row.filename, kind, row.size, row.sha256, row.created_at,  # type: ignore[arg-type]
                          row.created_by)


__all__ = ["IN_DATABASE", "STORAGE_SETTING", "AttachmentView", "attach_file", "stored_in_database", "attachment_folder", "list_attachments", "read_file", "save_attachment"]
