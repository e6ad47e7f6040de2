"""`python -m hubtui`: the same as the `hubtui` command."""

from hubtui.startup import main

main()
