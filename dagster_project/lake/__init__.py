"""The lake: raw files parsed into the lake's tables, one commit per build."""
