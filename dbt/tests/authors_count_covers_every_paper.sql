{{ config(meta={'dagster': {'ref': {'name': 'authors_count'}}}) }}
{#- The distribution counts every distinct paper exactly once and its shares sum to 1. -#}
with distribution as (

    select
        coalesce(sum(papers), 0) as papers,
        sum(share) as share
    from {{ ref('authors_count') }}

),

papers as (

    select count(*) as papers
    from {{ ref('papers') }}

)

select
    distribution.papers as distribution_papers,
    papers.papers as papers,
    distribution.share as share_total
from distribution
cross join papers
where distribution.papers != papers.papers
   or (papers.papers > 0 and abs(distribution.share - 1) > 1e-9)
