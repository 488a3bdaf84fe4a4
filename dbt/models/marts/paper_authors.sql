{#-
  Who wrote each paper: one row per name in the paper's author list, in listed order
  (position 1 = first author). The list is papers.author_names, the latest non-empty list of
  the paper's listings taken whole, so positions come from one consistent list. Only sources
  that name authors contribute (Hub API JSON, HTML pages, the arXiv snapshot; text pages only
  show a count); hidden Hub authors are never named, so they are counted in
  papers.authors_count but have no row here. The same name twice on one paper is two rows.

  Incremental per paper, following papers (macros/paper_fingerprints.sql): a build unnests
  only the papers whose row papers recomputed (rebuilding it whole took 7.8 s for 16.8M
  names at a page beside the arXiv snapshot). Two unnests in one select list are zipped: the
  name and its position; DuckDB runs this form about twice as fast as `unnest … with
  ordinality`.
-#}
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_rows_of_recomputed_papers() }}",
    )
}}

with names as (

    select
        paper_id,
        listings_fingerprint,
        unnest(generate_series(1, len(author_names))) as position,
        unnest(author_names) as author_name,
        {#- parallel to the names; a paper without affiliations pads with nulls -#}
        unnest(author_affiliations) as affiliation
    from {{ ref('papers') }}
    where author_names is not null
    {{ papers_not_unnested_yet() }}

)

select
    paper_id,
    cast(position as integer) as position,
    author_name,
    affiliation,
    listings_fingerprint
from names
{#- Physical order only: a paper's rows side by side (within each build's rows). #}
order by paper_id, position
