"""`python -m hubtui.cli`: the CLI without the TUI's early start-up read (tests, scripts)."""

from hubtui.cli import main

main()
