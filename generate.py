#!/usr/bin/env python3
"""Generate the PDF of every fiche: `python generate.py --help` for the options."""

import gc
import os
import signal
import sys

#: The collector's young generation while the libraries load (render.YOUNG_GENERATION's
#: value, which the renderer sets later): at the default (700) it ran ~100 times during
#: the imports, a full collection among them, ~15 ms of a fresh process for no garbage.
YOUNG_GENERATION = 20_000


def _quit(signum, frame):
    raise SystemExit(128 + signum)  # silent, unlike the KeyboardInterrupt of an import


if __name__ == "__main__":
    gc.set_threshold(YOUNG_GENERATION, *gc.get_threshold()[1:])
    # Our models use no pydantic plugin: none is looked up (fichemetier/libraries.py, 5.).
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    # Ctrl-C, kill or a closed terminal while the libraries load (about a second): end
    # quietly; main() then handles them itself.
    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, _quit)
    from fichemetier.cli import main

    code = main()
    # Everything is written and closed: the objects left need no collecting before the
    # process ends. Frozen, Python's shutdown skips them (~80 ms of one fiche's ~750:
    # collecting the layout's cycles). Nothing left relies on a finaliser: the renderer's
    # fonts are no copies in a temporary folder (fontfaces.py).
    gc.freeze()
    sys.exit(code)
