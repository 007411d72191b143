"""Entry point of the ``claimcheck`` command and of ``python -m claimcheck``."""

import signal
import sys


def main() -> None:
    """Import the command line and run it; Ctrl-C while it loads ends as one later would.

    The command line takes a moment to import: an interrupt then is one line and exit 130,
    as it is once a command runs, not a traceback.
    """
    try:
        from claimcheck.cli import main as run

        run()
    except KeyboardInterrupt:
        sys.stderr.write("claimcheck: interrupted\n")
        sys.exit(128 + signal.SIGINT)


if __name__ == "__main__":
    main()
