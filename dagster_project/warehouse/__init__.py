"""dbt over the lake, the quality suites, and the atomic publish."""
