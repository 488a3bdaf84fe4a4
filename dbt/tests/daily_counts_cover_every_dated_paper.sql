{{ config(meta={'dagster': {'ref': {'name': 'daily_counts'}}}) }}
{#-
  daily_counts spans exactly the first to the last published_date with one row per day, its
  daily papers sum to the papers that have a published_date, and cumulative_papers is the
  running total of papers.
-#}
with days as (

    select
        count(*) as days,
        min(day) as first_day,
        max(day) as last_day,
        coalesce(sum(papers), 0) as papers
    from {{ ref('daily_counts') }}

),

dated_papers as (

    select
        count(*) as papers,
        min(published_date) as first_day,
        max(published_date) as last_day
    from {{ ref('papers') }}
    where published_date is not null

),

running_total as (

    select
        day,
        cumulative_papers,
        sum(papers) over (order by day rows between unbounded preceding and current row)
            as expected_cumulative_papers
    from {{ ref('daily_counts') }}

)

select 'papers per day do not add up to dated papers' as failure
from days cross join dated_papers
where days.papers != dated_papers.papers

union all

select 'days do not span first to last published_date' as failure
from days cross join dated_papers
where days.first_day is distinct from dated_papers.first_day
   or days.last_day is distinct from dated_papers.last_day
   or (dated_papers.papers > 0 and days.days != dated_papers.last_day - dated_papers.first_day + 1)

union all

select 'cumulative_papers is not the running total on ' || cast(day as varchar) as failure
from running_total
where cumulative_papers != expected_cumulative_papers
