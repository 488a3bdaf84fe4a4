"""The CLI's plumbing around Dagster: run the build job in-process on the data dir's
instance, and say what the run did."""
