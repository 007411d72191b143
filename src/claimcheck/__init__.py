"""claimcheck: keep a paper's claims tied to evidence that still exists."""

import logging

__version__ = "0.1.0"

# Library use logs nothing unless the caller sets a handler; the command line sends its
# records to the project's log file (cli/log.py).
logging.getLogger("claimcheck").addHandler(logging.NullHandler())
