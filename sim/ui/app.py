"""``callsim-ui [--port N] [--no-browser] [--scenario NAME_OR_PATH]``: serve the what-if page on
localhost and open it in the browser."""

from __future__ import annotations

import argparse
import sys
from typing import List, Optional

import panel as pn

from sim.errors import ConfigError
from sim.simulate import load_scenario_file
from sim.ui.page import create_page


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="callsim-ui", description="Serve the what-if page on localhost and open it in the browser.")
    parser.add_argument("--port", type=int, default=5006, help="the port on localhost (default 5006)")
    parser.add_argument("--no-browser", action="store_true", help="serve without opening a browser")
    parser.add_argument("--scenario", default="default", help="a shipped scenario's name or a scenario YAML's path")
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> None:
    args = parse_args(argv)
    if not 1 <= args.port <= 65535:
        print(f"callsim-ui: invalid input: --port: must be between 1 and 65535, got {args.port}", file=sys.stderr)
        sys.exit(2)
    try:
        load_scenario_file(args.scenario)
    except ConfigError as error:
        print(f"callsim-ui: invalid input: {error}", file=sys.stderr)
        sys.exit(2)
    pn.extension(inline=True)
    pn.serve({"/": lambda: create_page(args.scenario)}, port=args.port, address="localhost",
             websocket_origin=[f"localhost:{args.port}", f"127.0.0.1:{args.port}"], show=not args.no_browser,
             title="callsim: what if?", threaded=False)


if __name__ == "__main__":
    main()
