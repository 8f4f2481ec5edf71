"""`newsdesk`: the last frame on the terminal first (newsdesk.instant), then the CLI."""
from __future__ import annotations

import sys


def main() -> None:
    from newsdesk import instant

    instant.start(sys.argv[1:])
    try:
        from newsdesk.cli import main as cli_main

        cli_main()
    finally:
        instant.release()  # whatever happened: the terminal as it was found
