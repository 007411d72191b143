-- The project database made by claimcheck before versions (commit bba96b6), after `claimcheck verify` on tests/databases/references.bib.
-- Served from http://127.0.0.1:8765/ (gone.html missing); each row as it was written.
BEGIN TRANSACTION;
CREATE TABLE captures (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    target TEXT NOT NULL,
    captured_at TEXT NOT NULL,
    http_status INTEGER NOT NULL,
    content_type TEXT,
    payload_digest TEXT NOT NULL,
    truncated INTEGER NOT NULL,
    record_type TEXT NOT NULL,
    record_id TEXT NOT NULL,
    warc_file TEXT NOT NULL,
    offset INTEGER NOT NULL,
    length INTEGER NOT NULL,
    request_offset INTEGER NOT NULL,
    request_length INTEGER NOT NULL
);
INSERT INTO "captures" VALUES(1,'http://127.0.0.1:8765/gone.html','http://127.0.0.1:8765/gone.html','2026-12-02T00:50:57+00:00',404,'text/html;charset=utf-8','sha1:EYLOBZUVJB7A6T6F3XAYYV647FOOLBI2',0,'response','<urn:uuid:d9890581-039a-4eda-88c9-7a8fb9c486ee>','claimcheck-20261202T005057Z-2f523a9c.warc.gz',365,585,950,471);
INSERT INTO "captures" VALUES(2,'http://127.0.0.1:8765/power.html','http://127.0.0.1:8765/power.html','2026-12-02T00:50:57+00:00',200,'text/html','sha1:MQ7RHMXGH4MUVYINW4BP7ZT5DUCJWQ3P',0,'response','<urn:uuid:b31a0858-b1e5-4eb1-ba7d-ccbcfe479c04>','claimcheck-20261202T005057Z-2f523a9c.warc.gz',1421,478,1899,471);
INSERT INTO "captures" VALUES(3,'http://127.0.0.1:8765/visa.html','http://127.0.0.1:8765/visa.html','2026-12-02T00:50:57+00:00',200,'text/html','sha1:4BJU7GTGMLCUOLMMJZPTZICN5LZD345H',0,'response','<urn:uuid:4d31f0b5-e6c0-4b74-872b-94c8a2356d9c>','claimcheck-20261202T005057Z-2f523a9c.warc.gz',2370,496,2866,470);
CREATE TABLE checks (
    url TEXT NOT NULL,
    checked_at TEXT NOT NULL,
    status TEXT NOT NULL,
    result TEXT NOT NULL
);
INSERT INTO "checks" VALUES('http://127.0.0.1:8765/visa.html','2026-12-02T00:50:57+00:00','alive','{"key":"visa2024","keys":["visa2024"],"kind":"url","url":"http://127.0.0.1:8765/visa.html","doi":null,"status":"alive","reason":"ok","detail":"HTTP 200","http_status":200,"final_url":"http://127.0.0.1:8765/visa.html","redirects":[],"checked_at":"2026-12-02T00:50:57Z","elapsed_ms":74,"from_cache":false,"notes":[],"failing_since":null,"failing_checks":0,"snapshot":{"captured_at":"2026-12-02T00:50:57Z","url":"http://127.0.0.1:8765/visa.html","http_status":200,"content_type":"text/html","payload_digest":"sha1:4BJU7GTGMLCUOLMMJZPTZICN5LZD345H","truncated":false,"text_chars":79},"memento":null,"rescue":null}');
INSERT INTO "checks" VALUES('http://127.0.0.1:8765/power.html','2026-12-02T00:50:57+00:00','alive','{"key":"power2024","keys":["power2024"],"kind":"url","url":"http://127.0.0.1:8765/power.html","doi":null,"status":"alive","reason":"ok","detail":"HTTP 200","http_status":200,"final_url":"http://127.0.0.1:8765/power.html","redirects":[],"checked_at":"2026-12-02T00:50:57Z","elapsed_ms":51,"from_cache":false,"notes":[],"failing_since":null,"failing_checks":0,"snapshot":{"captured_at":"2026-12-02T00:50:57Z","url":"http://127.0.0.1:8765/power.html","http_status":200,"content_type":"text/html","payload_digest":"sha1:MQ7RHMXGH4MUVYINW4BP7ZT5DUCJWQ3P","truncated":false,"text_chars":64},"memento":null,"rescue":null}');
INSERT INTO "checks" VALUES('http://127.0.0.1:8765/gone.html','2026-12-02T00:50:57+00:00','dead','{"key":"gone2024","keys":["gone2024"],"kind":"url","url":"http://127.0.0.1:8765/gone.html","doi":null,"status":"dead","reason":"not-found","detail":"HTTP 404","http_status":404,"final_url":"http://127.0.0.1:8765/gone.html","redirects":[],"checked_at":"2026-12-02T00:50:57Z","elapsed_ms":45,"from_cache":false,"notes":[],"failing_since":null,"failing_checks":0,"snapshot":{"captured_at":"2026-12-02T00:50:57Z","url":"http://127.0.0.1:8765/gone.html","http_status":404,"content_type":"text/html;charset=utf-8","payload_digest":"sha1:EYLOBZUVJB7A6T6F3XAYYV647FOOLBI2","truncated":false,"text_chars":135},"memento":null,"rescue":null}');
CREATE TABLE mementos (
    url TEXT NOT NULL,
    memento_url TEXT NOT NULL,
    captured_at TEXT NOT NULL,
    original TEXT NOT NULL,
    http_status INTEGER,
    via TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (url, memento_url)
);
CREATE TABLE payloads (
    digest TEXT PRIMARY KEY,
    warc_file TEXT NOT NULL,
    offset INTEGER NOT NULL,
    length INTEGER NOT NULL,
    target TEXT NOT NULL,
    captured_at TEXT NOT NULL,
    size INTEGER NOT NULL,
    text_kind TEXT NOT NULL,
    charset TEXT,
    problem TEXT,
    text BLOB,
    text_chars INTEGER
);
INSERT INTO "payloads" VALUES('sha1:EYLOBZUVJB7A6T6F3XAYYV647FOOLBI2','claimcheck-20261202T005057Z-2f523a9c.warc.gz',365,585,'http://127.0.0.1:8765/gone.html','2026-12-02T00:50:57+00:00',335,'html','utf-8',NULL,X'789C6DCB310A83401085E17E4FF12E10B1B04A6F208516811C60D1E7EE82CEC8CE443C7E42AA14293FF8FFBE56ADA8B45DC51842FFD793CEBCA26BBB10069AC5F4D1ADAC84A863D197CCCD6F0A9EFB1A257A51F96EB86054CF4512B6E853A6C13391CA41C1F3716FDE23A12D4F',135);
INSERT INTO "payloads" VALUES('sha1:MQ7RHMXGH4MUVYINW4BP7ZT5DUCJWQ3P','claimcheck-20261202T005057Z-2f523a9c.warc.gz',1421,478,'http://127.0.0.1:8765/power.html','2026-12-02T00:50:57+00:00',123,'html','utf-8',NULL,X'789C0BCE4F2B5128C82F4F2DE2E20A86B3158A528B4B8A15F2F314124B4A8A12934B3281CCA2C4920CA0544946629E42727E6A513250500F00F666179F',64);
INSERT INTO "payloads" VALUES('sha1:4BJU7GTGMLCUOLMMJZPTZICN5LZD345H','claimcheck-20261202T005057Z-2f523a9c.warc.gz',2370,496,'http://127.0.0.1:8765/visa.html','2026-12-02T00:50:57+00:00',138,'html','utf-8',NULL,X'789C0DCAC10980300C05D07BA7F8038863B880E03DD842033681246DEDF6FACEEF62A7944E7E716B97302E8E460BA2136134CA83C951B50708E3CF1BA2163416F6B00527CE50C1619C69ED1F71191C80',79);
CREATE TABLE warc_files (
    name TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    committed INTEGER NOT NULL
);
INSERT INTO "warc_files" VALUES('claimcheck-20261202T005057Z-2f523a9c.warc.gz','2026-12-02T00:50:57+00:00',3336);
CREATE INDEX captures_by_url ON captures (url, captured_at);
CREATE INDEX captures_by_digest ON captures (payload_digest);
CREATE INDEX checks_by_url ON checks (url, checked_at);
COMMIT;
PRAGMA user_version = 0;
