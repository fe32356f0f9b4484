#!/usr/bin/env python3
"""Generate the PDF of every fiche: `python generate.py --help` for the options."""

import sys

from fichemetier.cli import main

if __name__ == "__main__":
    sys.exit(main())
