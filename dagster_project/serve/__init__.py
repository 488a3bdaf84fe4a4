"""What analysts use: read-only query, full-text search, SQL helpers."""
