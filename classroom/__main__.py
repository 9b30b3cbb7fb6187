"""``python -m classroom``: the class hub's commands (``make hub``, ``make hub-stop``, ``make hub-release``).

    python -m classroom start            prepare the class and start JupyterHub (idempotent)
    python -m classroom stop             stop JupyterHub, its proxy and every server it started
    python -m classroom status           is it running, where
    python -m classroom release-exchange ASSIGNMENT...   (instructor, in the course copy)

Settings come from the environment (see classroom/settings.py): NNBASICS_HUB_STATE, NNBASICS_HUB_ROSTER,
NNBASICS_HUB_IP, NNBASICS_HUB_PORT, NNBASICS_EXCHANGE, NNBASICS_GRADEBOOK_URL.
"""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m classroom", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("start", help="prepare the class and start JupyterHub")
    commands.add_parser("stop", help="stop JupyterHub and everything it started")
    commands.add_parser("status", help="say whether the hub runs")
    release = commands.add_parser("release-exchange", help="release assignments to nbgrader's exchange")
    release.add_argument("assignments", nargs="+")
    args = parser.parse_args(argv)

    from classroom.roster import RosterError
    from classroom.settings import HubSettings

    try:
        settings = HubSettings.from_environment()
        if args.command == "release-exchange":
            return _release(args.assignments)
        from classroom import launcher

        if args.command == "start":
            result = launcher.start(settings)
            verb = "already running" if result.already_running else f"started in {result.seconds_start:.1f} s"
            print(f"class hub {verb} (pid {result.pid}): {result.url}\n"
                  f"state: {settings.state_dir}   log: {settings.log_file}   roster: {settings.roster}")
        elif args.command == "stop":
            print("class hub stopped" if launcher.stop(settings) else "class hub was not running")
        else:
            pid = launcher.hub_pid(settings)
            answering = launcher.is_answering(settings)
            print(f"class hub: {'running' if pid and answering else 'not running'} at {settings.url} "
                  f"(state {settings.state_dir})")
            return 0 if pid and answering else 3
    except (RosterError, ValueError, RuntimeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


def _release(assignments: list[str]) -> int:
    from autograder.layout import CourseLayout, find_course_root
    from classroom.exchange import release_to_exchange

    layout = CourseLayout(find_course_root())
    for assignment in assignments:
        release_to_exchange(layout, assignment)
        print(f"released {assignment} to {layout.exchange_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
