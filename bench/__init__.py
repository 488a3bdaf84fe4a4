"""Benchmarks: a synthetic Daily Papers corpus, a DuckDB floor, a pandas peer, the full build."""
