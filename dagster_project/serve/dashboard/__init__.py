"""The dashboard: one self-contained HTML page of charts over the published warehouse."""
