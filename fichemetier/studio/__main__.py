"""`python -m fichemetier.studio [--port N] [--host ADDR] [--no-browser] [FOLDER]`."""

from __future__ import annotations

import argparse
import sys
import threading
import webbrowser
from pathlib import Path

from .security import LOCAL_NAMES, new_token


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m fichemetier.studio",
        description="Le studio : écrire, vérifier et voir une fiche dans le navigateur.",
    )
    parser.add_argument("folder", nargs="?", type=Path, default=Path("fiches"), metavar="DOSSIER")
    parser.add_argument("--port", type=int, default=8765, help="port (par défaut : 8765)")
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="adresse d'écoute ; 0.0.0.0 pour le réseau de l'établissement (un jeton est "
        "alors demandé)",
    )
    parser.add_argument("--no-browser", action="store_true", help="n'ouvre pas le navigateur")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    import uvicorn

    from .app import create_app

    args = parse_args(argv)
    if not args.folder.is_dir():
        print(f"studio : {args.folder} n'est pas un dossier de fiches", file=sys.stderr)
        return 2
    token = None if args.host in LOCAL_NAMES else new_token()
    shown_host = "127.0.0.1" if token is None else args.host
    address = f"http://{shown_host}:{args.port}/"
    if token is not None:
        address += f"?jeton={token}"
        print(f"Mode réseau : le jeton est {token} (sans lui, toute requête est refusée).")
    print(f"Studio des fiches ({args.folder}) : {address}", flush=True)
    print("Arrêt : Ctrl-C.", flush=True)
    if not args.no_browser:
        threading.Timer(1.0, webbrowser.open, (address,)).start()
    app = create_app(args.folder, token)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
