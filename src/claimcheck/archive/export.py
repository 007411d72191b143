"""Write one capture's body, text and facts out as plain files: `claimcheck archive export`."""

from __future__ import annotations

import json
from pathlib import Path

from claimcheck.archive.index import ArchiveIndex, CaptureRow
from claimcheck.archive.names import body_extension, capture_stem
from claimcheck.archive.warc import read_body
from claimcheck.errors import ArchiveError

_HINT = "run 'claimcheck archive verify' to see what is damaged"


def export_capture(folder: Path, index: ArchiveIndex, capture: CaptureRow, to: Path) -> list[Path]:
    """Write the capture's body, its extracted text and a JSON of its facts into ``to``.

    Returns the paths written. The body is the stored payload, decoded as it was served.
    """
    payload = index.payload(capture.payload_digest, with_text=True)
    if payload is None:
        raise ArchiveError(f"the payload {capture.payload_digest} is not in the index", hint=_HINT)
    try:
        body = read_body(folder / payload.place.warc_file, payload.place)
    except Exception as error:  # warcio raises bare Exceptions, as do damaged files
        where = f"{payload.place.warc_file}:{payload.place.offset}"
        raise ArchiveError(f"cannot read the record at {where}: {error}", hint=_HINT) from None
    to.mkdir(parents=True, exist_ok=True)
    stem = capture_stem(capture.target, capture.captured_at)
    written = [to / f"{stem}{body_extension(capture.content_type)}"]
    written[0].write_bytes(body)
    if payload.text is not None:
        written.append(to / f"{stem}.text.txt")
        written[-1].write_text(payload.text, encoding="utf-8")
    facts = {
        "url": capture.url,
        "target": capture.target,
        "captured_at": capture.captured_at.isoformat(),
        "http_status": capture.http_status,
        "content_type": capture.content_type,
        "payload_digest": capture.payload_digest,
        "truncated": capture.truncated,
        "record_type": capture.record_type,
        "warc_file": capture.place.warc_file,
        "warc_offset": capture.place.offset,
        "text_kind": payload.text_kind,
        "text_charset": payload.charset,
        "text_problem": payload.problem,
        "body_file": written[0].name,
    }
    written.append(to / f"{stem}.json")
    written[-1].write_text(json.dumps(facts, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return written
