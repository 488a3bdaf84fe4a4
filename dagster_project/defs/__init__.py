"""Dagster: assets, checks, jobs, sensors, schedules, resources, definitions."""
