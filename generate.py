#!/usr/bin/env python3
"""Generate the PDF of every fiche: `python generate.py --help` for the options."""

import signal
import sys


def _quit(signum, frame):
    raise SystemExit(128 + signum)  # silent, unlike the KeyboardInterrupt of an import


if __name__ == "__main__":
    # Ctrl-C, kill or a closed terminal while the libraries load (about a second): end
    # quietly; main() then handles them itself.
    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, _quit)
    from fichemetier.cli import main

    sys.exit(main())
