"""The archive's settings, declared once: which Wayback-compatible archive, how patiently."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from claimcheck.setting import DAY, WAYBACK, Flag, base_url


class WaybackSettings(BaseModel):
    """Which Wayback-compatible archive to ask, and how patiently, as a user sets it.

    Declarations only, as CheckSettings: the run's Settings is the model validated.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False, defer_build=True)

    wayback_url: Annotated[
        str,
        Field(description="A Wayback-compatible archive's base URL."),
        Flag("--wayback-url", WAYBACK, metavar="URL"),
    ] = "https://web.archive.org"
    wayback_timeout: Annotated[
        float,
        Field(gt=0, le=DAY, description="Seconds for one request to the Wayback archive."),
        Flag("--wayback-timeout", WAYBACK, metavar="SECONDS"),
    ] = 30.0
    wayback_poll_timeout: Annotated[
        float,
        Field(gt=0, le=DAY, description="Seconds to wait for a Save Page Now capture to end."),
        Flag("--wayback-poll-timeout", WAYBACK, metavar="SECONDS"),
    ] = 300.0

    @field_validator("wayback_url")
    @classmethod
    def _archive_url(cls, value: str) -> str:
        # The Wayback client (httpx, the guard) is imported only when an archive is named.
        from claimcheck.archive.wayback import check_archive_url

        return check_archive_url(base_url(value))
