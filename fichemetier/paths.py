"""Where the project's own inputs live; shared by the renderer and the build cache,
without importing WeasyPrint."""

import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
PROJECT = PACKAGE.parent
TEMPLATES = PROJECT / "templates"
STYLES = PROJECT / "styles"
#: Everything shared by all fiches that shapes a PDF: a change here re-renders them all.
SHARED_INPUTS = (TEMPLATES, STYLES, PACKAGE)


def shown(path: Path) -> Path:
    """The path as the user will read it in messages: relative when it is below here."""
    relative = os.path.relpath(path)
    return Path(relative) if not relative.startswith("..") else path
