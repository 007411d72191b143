"""claimcheck: keep a paper's claims tied to evidence that still exists."""

__version__ = "0.1.0"
