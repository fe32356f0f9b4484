"""A test hook: hold a process at a named point of a run, so that a test sends its signal
exactly there instead of racing the run with sleeps.

Inert unless FICHEMETIER_PAUSE is `FOLDER:POINT[,POINT…]`, where a POINT is a name
(`render`) or a name and its detail (`render fiche-05.yaml`): a process reaching it
appends `pid point detail` to FOLDER/reached, then waits until FOLDER/go exists. Signals
are handled while it waits, as anywhere else.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

ENV = "FICHEMETIER_PAUSE"


def pause(point: str, detail: str = "") -> None:
    setting = os.environ.get(ENV)
    if not setting:
        return
    folder, _, wanted = setting.rpartition(":")
    if not {point, f"{point} {detail}"} & set(wanted.split(",")):
        return
    with Path(folder, "reached").open("a", encoding="utf-8", errors="backslashreplace") as log:
        log.write(f"{os.getpid()} {point} {detail}\n")
    while not Path(folder, "go").exists():
        time.sleep(0.01)
