{#-
  arXiv categories of each paper, in listed order: arXiv lists the primary category first, so
  position 1 is the primary one (is_primary). They are papers.categories, the latest
  non-empty list of the paper's listings (from the arXiv snapshot), deduplicated there
  keeping the first occurrence, so positions run 1..n. Incremental per paper, following
  papers (macros/paper_fingerprints.sql).
-#}
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_rows_of_recomputed_papers() }}",
    )
}}

with listed as (

    select
        paper_id,
        listings_fingerprint,
        unnest(generate_series(1, len(categories))) as position,
        unnest(categories) as category
    from {{ ref('papers') }}
    where categories is not null
    {{ papers_not_unnested_yet() }}

)

select
    paper_id,
    cast(position as integer) as position,
    category,
    position = 1 as is_primary,
    listings_fingerprint
from listed
order by paper_id, position
