#!/usr/bin/env python3
"""Generate the PDF of every fiche: `python generate.py --help` for the options."""

import gc
import os
import signal
import sys


def _quit(signum, frame):
    raise SystemExit(128 + signum)  # silent, unlike the KeyboardInterrupt of an import


if __name__ == "__main__":
    # Our models use no pydantic plugin: none is looked up (fichemetier/libraries.py, 5.).
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    # Ctrl-C, kill or a closed terminal while the libraries load (about a second): end
    # quietly; main() then handles them itself.
    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, _quit)
    # The renderer's young generation while the libraries load: at the default it ran a
    # full collection among ~100 during the imports, ~15 ms of a fresh process for no garbage.
    from fichemetier.collector import raise_young_generation

    raise_young_generation()
    from fichemetier.cli import main

    code = main()
    # Everything is written and closed: the objects left need no collecting before the
    # process ends. Frozen, Python's shutdown skips them (~80 ms of one fiche's ~750:
    # collecting the layout's cycles). Nothing left relies on a finaliser: the renderer's
    # fonts are no copies in a temporary folder (fontfaces.py).
    gc.freeze()
    sys.exit(code)
