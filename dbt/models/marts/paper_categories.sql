{#-
  arXiv categories of each paper, in listed order: arXiv lists the primary category first, so
  position 1 is the primary one (is_primary). They are papers.categories, the latest
  non-empty list of the paper's listings (from the arXiv snapshot), deduplicated there
  keeping the first occurrence, so positions run 1..n.
-#}
with listed as (

    select
        paper_id,
        unnest(generate_series(1, len(categories))) as position,
        unnest(categories) as category
    from {{ ref('papers') }}
    where categories is not null

)

select
    paper_id,
    cast(position as integer) as position,
    category,
    position = 1 as is_primary
from listed
order by paper_id, position
