"""The machine line every benchmark prints: cores, and which Python build ran it.

The build matters as much as the version: on this project's machine Debian's python3.11
(built with profile-guided optimisation) renders a fiche ~10 % faster than a pyenv build
of 3.11.7 without it, so the interpreter's real path is printed beside its version.
"""

from __future__ import annotations

import os
import platform
import sys


def machine() -> str:
    interpreter = os.path.realpath(sys.executable)
    return (
        f"{os.cpu_count()} cores, Python {platform.python_version()} ({interpreter}, "
        f"{platform.python_compiler()})"
    )
