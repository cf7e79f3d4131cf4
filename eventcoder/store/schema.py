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

_LINKING = """
CREATE TABLE link_methods (
    method      VARCHAR PRIMARY KEY,
    window_days INTEGER NOT NULL,
    max_km      DOUBLE NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

CREATE TABLE event_links (
    method   VARCHAR NOT NULL,
    event_id VARCHAR NOT NULL,
    link_id  VARCHAR NOT NULL,
    PRIMARY KEY (method, event_id)
);

CREATE TABLE linked_events (
    method        VARCHAR NOT NULL,
    link_id       VARCHAR NOT NULL,
    rep_event_id  VARCHAR NOT NULL,
    event_date    DATE,
    first_date    DATE,
    last_date     DATE,
    num_events    INTEGER NOT NULL,
    num_mentions  INTEGER NOT NULL,
    num_sources   INTEGER NOT NULL,
    num_articles  INTEGER NOT NULL,
    article_ids   VARCHAR,
    outlets       VARCHAR,
    urls          VARCHAR,
    first_added   TIMESTAMP,
    updated_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (method, link_id)
);

CREATE INDEX event_links_link_idx ON event_links (method, link_id);
CREATE INDEX linked_events_date_idx ON linked_events (method, event_date);
CREATE INDEX events_date_idx ON events (event_date);
"""

# One row per actor (resolved or not) with how often it takes part in events; a view, so it is
# always in step with ``events``. ``actor_key`` is the actor code, or the text when unresolved.
_ACTORS_VIEW = """
CREATE VIEW actors AS
WITH roles AS (
    SELECT 'source' AS role, event_id, article_id, source_code AS code, source_name AS name,
           source_country AS country, source_sectors AS sectors, source_text AS text
    FROM events
    UNION ALL
    SELECT 'target', event_id, article_id, target_code, target_name, target_country,
           target_sectors, target_text
    FROM events WHERE target_text IS NOT NULL
)
SELECT coalesce(code, text) AS actor_key,
       code,
       any_value(name ORDER BY name) AS name,
       any_value(country ORDER BY country) AS country,
       any_value(sectors ORDER BY sectors) AS sectors,
       code IS NOT NULL AS resolved,
       count(*) AS roles,
       count(*) FILTER (WHERE role = 'source') AS as_source,
       count(*) FILTER (WHERE role = 'target') AS as_target,
       count(DISTINCT event_id) AS events,
       count(DISTINCT article_id) AS articles
FROM roles
GROUP BY coalesce(code, text), code;
"""

# `eventcoder watch`: append-only logs. An item (feed entry) is done once it has a row with
# status coded, rejected or known; failed fetches are retried on later polls (a few times).
_WATCH = """
CREATE TABLE watch_items (
    item_key   VARCHAR NOT NULL,
    source     VARCHAR NOT NULL,
    url        VARCHAR,
    article_id VARCHAR,
    status     VARCHAR NOT NULL,
    detail     VARCHAR,
    run_id     VARCHAR,
    seen_at    TIMESTAMP NOT NULL
);
CREATE INDEX watch_items_key_idx ON watch_items (item_key);

CREATE TABLE watch_polls (
    source        VARCHAR NOT NULL,
    run_id        VARCHAR,
    polled_at     TIMESTAMP NOT NULL,
    status        VARCHAR NOT NULL,
    http_status   INTEGER,
    etag          VARCHAR,
    last_modified VARCHAR,
    entries       INTEGER,
    new_entries   INTEGER,
    detail        VARCHAR
);
"""

# ``eventcoder.output.EVENT_COLUMNS`` gained ``issues`` (Phoenix issue codes, "|"-joined).
_EVENT_ISSUES = """
ALTER TABLE events ADD COLUMN issues VARCHAR;
"""

# Analysts' corrections to coded events (issue 6): an append-only log, one row per correction
# (who, when, what). ``fields`` names the columns the correction sets (so a correction can also
# clear one, e.g. remove a target); the values are in the columns of the same name. ``original``
# is the event's coding as it was (JSON). The latest correction of an event is the one in force;
# ``retract`` withdraws the earlier ones. ``corrections_current`` lists the ones in force.
_CORRECTIONS = """
CREATE TABLE corrections (
    correction_id  VARCHAR PRIMARY KEY,
    event_id       VARCHAR NOT NULL,
    action         VARCHAR NOT NULL,
    author         VARCHAR NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    note           VARCHAR,
    fields         VARCHAR[],
    source_text    VARCHAR,
    source_name    VARCHAR,
    source_code    VARCHAR,
    source_country VARCHAR,
    source_sectors VARCHAR,
    target_text    VARCHAR,
    target_name    VARCHAR,
    target_code    VARCHAR,
    target_country VARCHAR,
    target_sectors VARCHAR,
    cameo_code     VARCHAR,
    cameo_name     VARCHAR,
    cameo_root     VARCHAR,
    goldstein      DOUBLE,
    quad_class     INTEGER,
    penta_class    INTEGER,
    plover_type    VARCHAR,
    plover_mode    VARCHAR,
    plover_context VARCHAR,
    original       JSON
);
CREATE INDEX corrections_event_idx ON corrections (event_id);

CREATE VIEW corrections_current AS
SELECT * FROM (
    SELECT *, row_number() OVER (PARTITION BY event_id ORDER BY created_at DESC, correction_id DESC) AS _rank
    FROM corrections
) WHERE _rank = 1 AND action <> 'retract';
"""

# The source's own id of an article (JSON ``id`` field, the API's ``id``), so that a second
# article with the same outlet and id but different text is refused instead of stored twice.
# No index: DuckDB cannot build one in the transaction that fills the column, and a column scan
# per stored batch is cheap.
_SOURCE_IDS = """
ALTER TABLE articles ADD COLUMN source_id VARCHAR;
UPDATE articles SET source_id = json_extract_string(metadata, '$.id') WHERE json_extract_string(metadata, '$.id') IS NOT NULL;
"""

# Unknown actors (issue 15): named people and organisations that act in a sentence with an event
# predicate but resolve to nothing, with their spaCy entity kind, how many articles name them,
# when they were first stored and the publication dates of the first and last article, and the
# first sentence that names them (for ``eventcoder actors --unknown`` and its dictionary stub).
_UNKNOWN_ACTORS = """
ALTER TABLE actors_unknown ADD COLUMN kind VARCHAR;
ALTER TABLE actors_unknown ADD COLUMN articles INTEGER;
ALTER TABLE actors_unknown ADD COLUMN as_source INTEGER;
ALTER TABLE actors_unknown ADD COLUMN as_target INTEGER;
ALTER TABLE actors_unknown ADD COLUMN first_seen TIMESTAMP;
ALTER TABLE actors_unknown ADD COLUMN first_published DATE;
ALTER TABLE actors_unknown ADD COLUMN last_published DATE;
ALTER TABLE actors_unknown ADD COLUMN example_sentence VARCHAR;
UPDATE actors_unknown SET first_seen = last_seen;
"""

MIGRATIONS: list[Migration] = [
    (1, "initial tables", _INITIAL),
    (2, "index events by article", _QUERY_INDEXES),
    (3, "cross-article links and linked events", _LINKING),
    (4, "actors view with counts", _ACTORS_VIEW),
    (5, "watch: feed polls and seen feed items", _WATCH),
    (6, "events.issues column", _EVENT_ISSUES),
    (7, "analysts' corrections of coded events", _CORRECTIONS),
    (8, "articles.source_id: the source's own id", _SOURCE_IDS),
    (9, "actors_unknown: kind, articles, roles, first seen, example sentence", _UNKNOWN_ACTORS),
]

TABLES: tuple[str, ...] = (
    "articles",
    "events",
    "event_mentions",
    "actors_unknown",
    "rejections",
    "runs",
    "link_methods",
    "event_links",
    "linked_events",
    "watch_items",
    "watch_polls",
    "corrections",
)


def latest_version() -> int:
    """The version the store is at after every migration has been applied."""
    return max(version for version, _, _ in MIGRATIONS)
