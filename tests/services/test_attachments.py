"""Attachments: stored by content hash in the attachment folder, refused when the path, the
name, the size or the type is wrong, and never a file written anywhere else."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hubtui.domain.attachments import kind_of, label_problem
from hubtui.services.attachments import attach_file, attachment_folder, list_attachments, save_attachment
from hubtui.services.errors import InvalidInput

from .support import Catalog, Sql, place

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24
XLSX = b"PK\x03\x04" + b"\x00" * 26 + b"[Content_Types].xml" + b"xl/workbook.xml"
EML = b"From: ada@example.com\r\nSubject: Order\r\n\r\nPlease send it on Friday.\r\n"
SAMPLES = {
    "invoice.pdf": (PDF, "pdf"), "photo.png": (PNG, "png"), "shot.jpg": (b"\xff\xd8\xff\xe0" + b"\x00" * 20, "jpeg"),
    "anim.gif": (b"GIF89a" + b"\x00" * 20, "gif"), "pic.webp": (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "webp"),
    "notes.txt": ("Ring before delivery — gate code 4321\n".encode(), "txt"),
    "prices.csv": (b"sku;price\nBT-1;12,50\n", "csv"), "sheet.xlsx": (XLSX, "xlsx"), "mail.eml": (EML, "eml"),
}


def files_under(*folders: Path) -> set[Path]:
    return {p for folder in folders if folder.exists() for p in folder.rglob("*")}


@pytest.fixture
def order(alice, catalog: Catalog):
    return place(alice, catalog)


def test_each_allowed_type_is_stored_once_by_its_hash_and_saved_back_out(order, alice, demo_db: Path,
                                                                          tmp_path: Path, sql: Sql) -> None:
    incoming, folder = tmp_path / "incoming", attachment_folder(alice.store)
    incoming.mkdir()
    assert folder.parent == demo_db.parent
    for name, (data, kind) in SAMPLES.items():
        (incoming / name).write_bytes(data)
        view = attach_file(alice, order.number, str(incoming / name))
        assert (view.label, view.kind, view.size, view.added_by) == (name, kind, len(data), "alice")
        assert (folder / view.sha256[:2] / view.sha256).read_bytes() == data
    again = attach_file(alice, order.number, str(incoming / "invoice.pdf"))  # the same content: one file
    assert len([p for p in files_under(folder) if p.is_file()]) == len(SAMPLES)
    listed = list_attachments(alice, order.number)
    assert [a.label for a in listed] == [*SAMPLES, "invoice.pdf"] and listed[-1].sha256 == again.sha256
    out = tmp_path / "out"
    out.mkdir()
    saved = save_attachment(alice, order.number, listed[0].id, str(out))
    assert saved == out / "invoice.pdf" and saved.read_bytes() == PDF
    with pytest.raises(InvalidInput, match="exists already"):
        save_attachment(alice, order.number, listed[0].id, str(saved))
    entries = [a for a in sql.activity(order.number) if a["action"] == "attachment"]
    assert len(entries) == len(SAMPLES) + 1 and entries[0]["summary"] == f"Attached invoice.pdf (pdf, {len(PDF):,} bytes)"


def _hostile_paths(tmp: Path) -> dict[str, tuple[str, str]]:
    (tmp / "real.pdf").write_bytes(PDF)
    (tmp / "folder").mkdir()
    (tmp / "link.pdf").symlink_to("/etc/passwd")
    (tmp / "inside-link.pdf").symlink_to(tmp / "real.pdf")
    (tmp / "program.pdf").write_bytes(b"\x7fELF\x02\x01\x01" + b"\x00" * 40)
    (tmp / "archive.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 40 + b"evil.sh")
    (tmp / "big.pdf").write_bytes(PDF + b"\x00" * 2048)
    (tmp / "empty.txt").write_bytes(b"")
    (tmp / "gpj\u202eexe.pdf").write_bytes(PDF)
    (tmp / "tab\there.pdf").write_bytes(PDF)
    os.mkfifo(tmp / "pipe.pdf")
    return {
        "missing": (str(tmp / "nothing.pdf"), "There is no file"),
        "relative escape": ("../../../../../../../../x-none.pdf", "There is no file"),
        "directory": (str(tmp / "folder"), "is a folder"),
        "device": ("/dev/null", "not a regular file"),
        "pipe": (str(tmp / "pipe.pdf"), "not a regular file"),
        "symlink out": (str(tmp / "link.pdf"), "symbolic link"),
        "symlink in": (str(tmp / "inside-link.pdf"), "symbolic link"),
        "executable": (str(tmp / "program.pdf"), "not a file type that can be attached"),
        "any zip": (str(tmp / "archive.xlsx"), "not a file type that can be attached"),
        "over the limit": (str(tmp / "big.pdf"), "attachments are at most"),
        "empty": (str(tmp / "empty.txt"), "The file is empty"),
        "right-to-left override": (str(tmp / "gpj\u202eexe.pdf"), "control or direction characters"),
        "tab in the name": (str(tmp / "tab\there.pdf"), "control or direction characters"),
        "NUL": (str(tmp / "real.pdf") + "\x00.png", "NUL"),
        "nothing": ("  ", "Give the path"),
    }


@pytest.mark.parametrize("case", ["missing", "relative escape", "directory", "device", "pipe", "symlink out",
                                  "symlink in", "executable", "any zip", "over the limit", "empty",
                                  "right-to-left override", "tab in the name", "NUL", "nothing"])
def test_a_hostile_path_is_refused_and_no_file_is_written_anywhere(case, order, alice, demo_db: Path,
                                                                   tmp_path: Path, sql: Sql) -> None:
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    path, says = _hostile_paths(incoming)[case]
    watched = (tmp_path, demo_db.parent, attachment_folder(alice.store))
    before_files, before_rows = files_under(*watched), sql.snapshot()
    with pytest.raises(InvalidInput, match=says):
        attach_file(alice, order.number, path, limit=1024)
    assert files_under(*watched) == before_files, "a refused attachment wrote a file"
    assert sql.snapshot() == before_rows


def test_a_wrong_order_number_stores_no_file(alice, tmp_path: Path) -> None:
    (tmp_path / "real.pdf").write_bytes(PDF)
    folder = attachment_folder(alice.store)
    before = files_under(folder)
    with pytest.raises(Exception, match="BT9999999"):
        attach_file(alice, "BT9999999", str(tmp_path / "real.pdf"))
    assert files_under(folder) == before


def test_names_and_types_are_judged_by_content_not_by_name() -> None:
    assert label_problem("x" * 300) == "The file's name is at most 255 characters (300 given)."
    assert label_problem("../../x") is None  # kept only as a label, never a path: harmless
    assert kind_of(PDF, "looks.png") == "pdf" and kind_of(b"\x7fELF", "report.pdf") is None
    assert kind_of("café;1\n".encode("cp1252"), "a.csv") == "csv"


def test_with_the_database_setting_the_file_is_kept_in_its_row_not_in_a_folder(order, alice, tmp_path: Path,
                                                                             sql: Sql) -> None:
    from hubtui.services.attachments import IN_DATABASE, STORAGE_SETTING

    sql.execute("INSERT INTO org_settings (org_id, key, value) VALUES (?, ?, ?)",
                (sql.org_id("BTOOLS"), STORAGE_SETTING, IN_DATABASE))
    source = tmp_path / "invoice.pdf"
    source.write_bytes(PDF)
    folder = attachment_folder(alice.store)
    view = attach_file(alice, order.number, str(source))
    assert not folder.exists(), "nothing is written to the attachment folder"
    assert tuple(sql.rows("SELECT data, sha256 FROM attachments WHERE id = ?", (view.id,))[0]) == (PDF, view.sha256)
    copy = save_attachment(alice, order.number, view.id, str(tmp_path / "copy.pdf"))
    assert copy.read_bytes() == PDF


def test_the_demo_has_orders_with_files_attached_listed_in_their_activity(alice, sql: Sql, tmp_path: Path) -> None:
    rows = sql.rows("SELECT o.number, a.id, a.filename FROM attachments a JOIN orders o ON o.id = a.order_id "
                    "WHERE o.org_id = ? ORDER BY a.id", (sql.org_id("BTOOLS"),))
    assert [r[2] for r in rows] == ["delivery note.txt", "customer email.eml", "serial numbers.csv"]
    number, attachment_id, label = rows[0]
    assert [v.label for v in list_attachments(alice, number)] == [label]
    assert b"Delivery note" in save_attachment(alice, number, attachment_id, str(tmp_path / "note.txt")).read_bytes()
    from hubtui.services.order_reads import get_order

    assert any(a.action == "attachment" and label in a.summary for a in get_order(alice, number).activity)
