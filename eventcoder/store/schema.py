"""The event store's schema, as named, ordered migrations.

Each migration is ``(version, name, sql)``. Versions start at 1 and increase by one; a migration
is never edited once released: change the schema by appending a new one. The store records each
applied migration in ``schema_version`` and applies the missing ones, in order, one transaction
each. All timestamps are UTC.

The ``events`` columns after ``event_id, article_id, run_id`` are ``eventcoder.output.EVENT_COLUMNS``
in the same order (a test checks that they stay in step).
"""

from __future__ import annotations

Migration = tuple[int, str, str]

SCHEMA_VERSION_DDL = """
CREATE TABLE IF NOT EXISTS schema_version (
    version    INTEGER PRIMARY KEY,
    name       VARCHAR NOT NULL,
    applied_at TIMESTAMP NOT NULL
)
"""

_INITIAL = """
CREATE TABLE articles (
    article_id     VARCHAR PRIMARY KEY,
    headline       VARCHAR,
    text           VARCHAR,
    published      TIMESTAMP,
    published_date DATE,
    dateline       VARCHAR,
    outlet         VARCHAR,
    url            VARCHAR,
    origin         VARCHAR,
    language       VARCHAR,
    metadata       JSON,
    first_run_id   VARCHAR,
    added_at       TIMESTAMP NOT NULL
);

CREATE TABLE events (
    event_id           VARCHAR PRIMARY KEY,
    article_id         VARCHAR NOT NULL,
    run_id             VARCHAR,
    sentence_index     INTEGER,
    sentence           VARCHAR,
    trigger            VARCHAR,
    trigger_start      INTEGER,
    trigger_end        INTEGER,
    source_text        VARCHAR,
    source_name        VARCHAR,
    source_code        VARCHAR,
    source_country     VARCHAR,
    source_sectors     VARCHAR,
    source_resolved_by VARCHAR,
    target_text        VARCHAR,
    target_name        VARCHAR,
    target_code        VARCHAR,
    target_country     VARCHAR,
    target_sectors     VARCHAR,
    target_resolved_by VARCHAR,
    cameo_code         VARCHAR,
    cameo_name         VARCHAR,
    cameo_root         VARCHAR,
    goldstein          DOUBLE,
    quad_class         INTEGER,
    penta_class        INTEGER,
    plover_type        VARCHAR,
    plover_mode        VARCHAR,
    plover_context     VARCHAR,
    modality           VARCHAR,
    event_date         DATE,
    date_precision     VARCHAR,
    date_how           VARCHAR,
    location_name      VARCHAR,
    location_country   VARCHAR,
    location_admin1    VARCHAR,
    lat                DOUBLE,
    lon                DOUBLE,
    geonames_id        BIGINT,
    location_how       VARCHAR,
    attribution        VARCHAR,
    quote              VARCHAR,
    confidence         DOUBLE,
    method             VARCHAR,
    mention_sentences  VARCHAR
);

CREATE TABLE event_mentions (
    event_id       VARCHAR NOT NULL,
    article_id     VARCHAR NOT NULL,
    sentence_index INTEGER NOT NULL,
    sentence       VARCHAR,
    trigger        VARCHAR,
    PRIMARY KEY (event_id, article_id, sentence_index)
);

CREATE TABLE actors_unknown (
    text             VARCHAR PRIMARY KEY,
    count            INTEGER NOT NULL,
    first_article_id VARCHAR,
    last_seen        TIMESTAMP
);

CREATE TABLE rejections (
    rejection_id VARCHAR PRIMARY KEY,
    run_id       VARCHAR,
    origin       VARCHAR,
    stage        VARCHAR,
    reason       VARCHAR,
    detail       VARCHAR,
    article_id   VARCHAR,
    added_at     TIMESTAMP NOT NULL
);

CREATE TABLE runs (
    run_id      VARCHAR PRIMARY KEY,
    version     VARCHAR,
    config      JSON,
    started_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    articles    INTEGER,
    sentences   INTEGER,
    events      INTEGER,
    rejections  INTEGER,
    seconds     DOUBLE,
    status      VARCHAR NOT NULL
);
"""

_QUERY_INDEXES = """
CREATE INDEX events_article_idx ON events (article_id);
"""

MIGRATIONS: list[Migration] = [
    (1, "initial tables", _INITIAL),
    (2, "index events by article", _QUERY_INDEXES),
]

TABLES: tuple[str, ...] = (
    "articles",
    "events",
    "event_mentions",
    "actors_unknown",
    "rejections",
    "runs",
)


def latest_version() -> int:
    """The version the store is at after every migration has been applied."""
    return max(version for version, _, _ in MIGRATIONS)
