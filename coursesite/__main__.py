"""``python -m coursesite [--out build/site] [--jobs 2] [--only 02 03]``: build the course site."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from coursesite.assets import MissingAssetsError
from coursesite.build import ChapterFailedError, build_site


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m coursesite", description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("build/site"), help="output folder")
    parser.add_argument("--jobs", type=int, default=2, help="chapters executed at once")
    parser.add_argument("--only", nargs="*", help="build only chapters whose name contains these")
    args = parser.parse_args(argv)
    try:
        result = build_site(args.out, only=args.only, jobs=args.jobs)
    except (MissingAssetsError, ChapterFailedError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"site: {result.index} ({len(result.chapters)} chapters, {result.seconds:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
