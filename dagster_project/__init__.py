"""Papers Warehouse: raw Daily Papers scrapes in, a validated DuckDB warehouse out."""
