"""The `hubtui` command and `python -m hubtui`.

The TUI's first page is read in a second process forked before Typer, the CLI and Textual
load (hubtui.startup), then the CLI runs. This is the only module that imports both: the
CLI imports startup to open the TUI, and startup never imports the CLI.
"""

from __future__ import annotations


def main() -> None:
    import sys

    from hubtui import startup

    startup.start_early(sys.argv[1:])
    from hubtui.cli import main as cli_main

    cli_main()


if __name__ == "__main__":
    main()
