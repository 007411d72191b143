"""The command-line interface: options to settings, run, render, exit code."""

from claimcheck.cli.app import app, main

__all__ = ["app", "main"]
