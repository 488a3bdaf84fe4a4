{#- How many authors papers have: one row per authors_count over distinct papers (null = unknown). -#}
with counts as (

    select
        authors_count,
        count(*) as papers
    from {{ ref('papers') }}
    group by authors_count

)

select
    authors_count,
    papers,
    cast(papers as double) / sum(papers) over () as share
from counts
order by authors_count nulls last
