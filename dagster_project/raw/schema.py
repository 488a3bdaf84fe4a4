"""The raw listing and reject contracts, declared once.

The Parquet writer, the dbt source tests and the Great Expectations suite for raw
listings all follow these definitions; change a column here and there only.
"""

import pyarrow as pa

UTC_TIMESTAMP = pa.timestamp("us", tz="UTC")

LISTING_SCHEMA = pa.schema(
    [
        pa.field("source_file", pa.string(), nullable=False),
        pa.field("source_sha256", pa.string(), nullable=False),
        pa.field("source_format", pa.string(), nullable=False),
        pa.field("record_index", pa.int32(), nullable=False),
        pa.field("line_number", pa.int32()),
        pa.field("scraped_at", UTC_TIMESTAMP, nullable=False),
        pa.field("page_date", pa.date32()),
        pa.field("title", pa.string(), nullable=False),
        pa.field("abstract", pa.string()),
        pa.field("authors_count", pa.int32()),
        pa.field("author_names", pa.list_(pa.string())),
        pa.field("published_date", pa.date32()),
        pa.field("upvotes", pa.int32()),
        pa.field("arxiv_id", pa.string()),
        pa.field("github_url", pa.string()),
        # Richer sources (Hub API, arXiv snapshot) fill these; text pages leave them null.
        pa.field("submitted_on_daily_date", pa.date32()),
        pa.field("num_comments", pa.int32()),
        pa.field("github_stars", pa.int32()),
        pa.field("ai_keywords", pa.list_(pa.string())),
        pa.field("categories", pa.list_(pa.string())),
        pa.field("ingested_at", UTC_TIMESTAMP, nullable=False),
        # arXiv snapshot: each author's affiliation (parallel to author_names, nulls where
        # none is given) and the authors string as typed, TeX and all.
        pa.field("author_affiliations", pa.list_(pa.string())),
        pa.field("authors_raw", pa.string()),
    ]
)

REJECT_SCHEMA = pa.schema(
    [
        pa.field("source_file", pa.string(), nullable=False),
        pa.field("source_sha256", pa.string(), nullable=False),
        pa.field("source_format", pa.string()),
        pa.field("line_number", pa.int32()),
        pa.field("reason", pa.string(), nullable=False),
        pa.field("snippet", pa.string()),
        pa.field("ingested_at", UTC_TIMESTAMP, nullable=False),
    ]
)

# Parsers fill these; the ingest step adds the provenance columns.
PROVENANCE_COLUMNS = ("source_file", "source_sha256", "source_format", "scraped_at", "ingested_at")
