"""How much a finding matters, and the policy of which findings fail a run."""

from __future__ import annotations

from enum import StrEnum


class Severity(StrEnum):
    """How much a finding matters, most severe first."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for the most severe, larger for milder."""
        return list(Severity).index(self)


class FailOn(StrEnum):
    """The mildest finding severity that makes a run fail (exit code 1)."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    NEVER = "never"

    def fails(self, severity: Severity) -> bool:
        """Whether a finding of ``severity`` fails the run under this policy."""
        if self is FailOn.NEVER:
            return False
        return severity.rank <= Severity(self.value).rank
