"""Collecting as an asset: one partition per Daily Papers listing day, saved into raw/.

Materializing a partition runs the CLI's code for that day (collect/collector.py): fetch
every page, save the body unless it is the newest saved one byte for byte. A backfill of a
range from the UI is one run per day, one day after another (the instance runs one run at
a time); the raw-files sensor then builds the warehouse.
"""

from datetime import date

import dagster as dg

from dagster_project.collect.collector import FAILED, collect_day
from dagster_project.collect.daily_papers_api import (
    DailyPapersApi,
    EndpointUnreachable,
    RetryPolicy,
    endpoint_from,
)
from dagster_project.collect.listing_days import FIRST_DAY
from dagster_project.data_dir_lock import collect_lock
from dagster_project.defs.data_dir import DataDir

# end_offset=1: today's partition exists from the start of the day (UTC), so the morning
# schedule can collect the day that is still filling up.
DAILY_PARTITIONS = dg.DailyPartitionsDefinition(start_date=FIRST_DAY.isoformat(),
                                                timezone="UTC", end_offset=1)


class HubApi(dg.ConfigurableResource):
    """The Hub's Daily Papers API: where it is and how hard to try."""

    endpoint: str | None = None  # None: $HF_ENDPOINT, else https://huggingface.co
    max_retries: int = 5

    def client(self) -> DailyPapersApi:
        return DailyPapersApi(endpoint_from(self.endpoint),
                              RetryPolicy(max_retries=self.max_retries))


@dg.asset(
    partitions_def=DAILY_PARTITIONS,
    group_name="raw",
    kinds={"huggingface", "json"},
    description="One Daily Papers listing day from the Hub's API, saved into the data dir's "
    "raw/ as YYYY-MM-DD_daily_papers.json (a changed day as a new file beside it).",
)
def daily_papers(context: dg.AssetExecutionContext, hub_api: HubApi,
                 data_dir: DataDir) -> dg.MaterializeResult:
    paths = data_dir.paths
    day = date.fromisoformat(context.partition_key)
    api = hub_api.client()
    try:
        with collect_lock(paths, on_wait=context.log.warning):
            outcome = collect_day(api, paths.raw, day)
    except EndpointUnreachable as unreachable:
        raise dg.Failure(description=f"{day}: {unreachable}; nothing saved") from None
    if outcome.status == FAILED:
        raise dg.Failure(description=f"{day}: {outcome.reason}",
                         metadata={"requests": outcome.requests})
    context.log.info(f"{day}: {outcome.line()}")
    return dg.MaterializeResult(metadata={
        "papers": outcome.papers,
        "pages": outcome.pages,
        "bytes": outcome.bytes,
        "changed": outcome.changed,
        "requests": outcome.requests,
        "file": dg.MetadataValue.path(str(outcome.file)),
        "endpoint": api.endpoint,
    })
