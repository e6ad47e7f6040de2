"""An import file's rows read into records a batch at a time: here, or, for a large file, in a
second process while this one checks and writes the batches before (the two cores both work;
threads alone cannot share Python's work).

A batch carries its records, the problems of the rows that could not be read (with those rows
as they are in the file, for `--errors`), how many rows it had and how far into the file it
ends. The second process is started fresh (spawn: nothing of this one's threads or database
connections goes with it), sends each batch down a pipe and stops at the end of the file or
when the pipe is closed: a process killed mid-import takes its reader with it.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Any

from hubtui.domain.import_rows import Problem, read_channel_price, read_item, read_order, read_payment
from hubtui.services.csv_reader import CsvFileError, RowValues, open_rows

READ_APART_FROM = 4 * 1024 * 1024  # bytes: below this a second process costs more than it saves
_START_S = 60  # a second process that has sent nothing by then is not coming


@dataclass
class ReadBatch:
    records: list[Any] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    bad_rows: dict[int, dict[str, str]] = field(default_factory=dict)
    rows: int = 0
    position: int = 0  # how far into the file the batch ends, of `size` (see CsvRows.position)
    size: int = 0


def read_row(kind: str, number: int, values: Mapping[str, str], delimiter: str,
             tz: tzinfo) -> tuple[Any, list[Problem]]:
    if kind == "orders":
        return read_order(number, values, delimiter=delimiter, tz=tz)
    if kind == "items":
        return read_item(number, values, delimiter=delimiter)
    if kind == "channel-prices":
        return read_channel_price(number, values, delimiter=delimiter, tz=tz)
    return read_payment(number, values, delimiter=delimiter, tz=tz)


def read_batch(kind: str, batch: list[tuple[int, RowValues]], delimiter: str, tz: tzinfo) -> ReadBatch:
    """The batch's rows read into records; a row that cannot be is a problem, kept as it was."""
    read = ReadBatch(rows=len(batch))
    for number, values in batch:
        if values.problem:
            read.problems.append(Problem(number, "", "", values.problem))
            read.bad_rows[number] = dict(values)
            continue
        record, found = read_row(kind, number, values, delimiter, tz)
        if found:
            read.problems.extend(found)
            read.bad_rows[number] = dict(values)
        else:
            read.records.append(record)
    return read


def batched(values: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """`values` in lists of `size` (the last may be shorter)."""
    batch: list[Any] = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def read_here(kind: str, rows: Any, delimiter: str, tz: tzinfo, batch_rows: int) -> Iterator[ReadBatch]:
    """The batches of an open file, read in this process."""
    for batch in batched(rows, batch_rows):
        read = read_batch(kind, batch, delimiter, tz)
        read.position, read.size = rows.position, rows.size
        yield read


def read_apart(kind: str, path: str, delimiter: str, tz: tzinfo, batch_rows: int,
               size_limit: int) -> Iterator[ReadBatch]:
    """The batches of the file at `path`, read by a second process; a file that turns out not to
    be readable part-way raises CsvFileError here, as reading it here would."""
    spawn = multiprocessing.get_context("spawn")
    receiving, sending = spawn.Pipe(duplex=False)
    reader = spawn.Process(target=_read_and_send, args=(sending, kind, path, delimiter, tz, batch_rows, size_limit),
                           name="hubtui-import-reader", daemon=True)
    reader.start()
    sending.close()
    try:
        first = True
        while True:
            if first and not receiving.poll(_START_S):
                raise CsvFileError(f"{path}: the process reading the file did not start.")
            first = False
            try:
                item = receiving.recv()
            except EOFError:
                raise CsvFileError(f"{path}: the process reading the file stopped part-way.") from None
            if item is None:
                return
            if isinstance(item, tuple):
                message, row = item
                raise CsvFileError(message, row=row)
            yield item
    finally:
        receiving.close()
        reader.join(timeout=5)
        if reader.is_alive():
            reader.kill()
            reader.join()


def _read_and_send(sending: Any, kind: str, path: str, delimiter: str, tz: tzinfo, batch_rows: int,
                   size_limit: int) -> None:
    """The second process: each batch down the pipe, then None; or the error's words and row."""
    try:
        with open_rows(path, size_limit=size_limit) as rows:
            for read in read_here(kind, rows, delimiter, tz, batch_rows):
                sending.send(read)
        sending.send(None)
    except (BrokenPipeError, ConnectionResetError):
        return  # the importer is gone: so is the reason to read on
    except CsvFileError as error:
        _send_quietly(sending, (str(error), getattr(error, "row", None)))
    except Exception as error:  # noqa: BLE001 - whatever stops the reading is said by the importer
        _send_quietly(sending, (f"{path} could not be read: {error}", None))
    finally:
        sending.close()


def _send_quietly(sending: Any, item: Any) -> None:
    try:
        sending.send(item)
    except (BrokenPipeError, ConnectionResetError):
        pass


__all__ = ["READ_APART_FROM", "ReadBatch", "batched", "read_apart", "read_batch", "read_here", "read_row"]
