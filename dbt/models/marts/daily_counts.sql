{#-
  Papers per publication day, zero-filled: one row per calendar day from the first to the
  last published_date over papers (no rows when no paper has a date), with a running total.
-#}
with dated_papers as (

    select published_date
    from {{ ref('papers') }}
    where published_date is not null

),

bounds as (

    select
        min(published_date) as first_day,
        max(published_date) as last_day
    from dated_papers

),

days as (

    select cast(unnest(generate_series(first_day, last_day, interval 1 day)) as date) as day
    from bounds
    where first_day is not null

),

papers_per_day as (

    select
        published_date as day,
        count(*) as papers
    from dated_papers
    group by published_date

)

select
    days.day,
    coalesce(papers_per_day.papers, 0) as papers,
    cast(
        sum(coalesce(papers_per_day.papers, 0)) over (
            order by days.day rows between unbounded preceding and current row
        ) as bigint
    ) as cumulative_papers
from days
left join papers_per_day
    on days.day = papers_per_day.day
order by days.day
