"""The frozen models: light on memory, and copies that leave their originals alone."""

from __future__ import annotations

from claimcheck.models import Location, Source, SourceStatus


def test_instances_given_the_same_fields_share_one_set_of_their_names() -> None:
    first = Location(file="references.bib", line=1)
    second = Location(file="references.bib", line=2)
    assert first.model_fields_set == {"file", "line"}
    assert first.model_fields_set is second.model_fields_set


def test_a_copy_with_an_update_leaves_the_shared_set_of_names_of_others_alone() -> None:
    cited = [
        Source(key=f"k{i}", keys=(f"k{i}",), kind="url", url=f"https://e.org/{i}") for i in (1, 2)
    ]
    checked = cited[0].model_copy(update={"status": SourceStatus.ALIVE})
    assert checked.model_fields_set == {"key", "keys", "kind", "url", "status"}
    assert cited[0].model_fields_set == {"key", "keys", "kind", "url"}
    assert cited[1].model_fields_set is cited[0].model_fields_set
    assert checked.status is SourceStatus.ALIVE
    assert cited[0].status is SourceStatus.UNCHECKED
