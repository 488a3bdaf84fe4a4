{{ config(meta={'dagster': {'ref': {'name': 'papers'}}}) }}
{#-
  papers and paper_sightings tell the same story: a paper's sightings is its number of
  history rows, first/last seen are the first/last of them, and its upvotes are those of the
  latest sighting that shows a vote count.
-#}
with history as (

    select
        paper_id,
        count(*) as sightings,
        min(scraped_at) as first_seen_at,
        max(scraped_at) as last_seen_at,
        arg_max(upvotes, scraped_at) filter (where upvotes is not null) as upvotes
    from {{ ref('paper_sightings') }}
    group by paper_id

)

select
    papers.paper_id,
    papers.sightings,
    history.sightings as history_sightings,
    papers.upvotes,
    history.upvotes as history_upvotes
from {{ ref('papers') }} as papers
left join history
    on papers.paper_id = history.paper_id
where history.paper_id is null
   or papers.sightings != history.sightings
   or papers.first_seen_at != history.first_seen_at
   or papers.last_seen_at != history.last_seen_at
   or papers.upvotes is distinct from history.upvotes
