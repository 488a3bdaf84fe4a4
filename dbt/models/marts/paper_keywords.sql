{#-
  The Hub's AI keywords of each paper: one row per distinct keyword. They are
  papers.ai_keywords, the latest non-empty keyword list of the paper's listings (the Hub
  regenerates keywords, so its latest list replaces older ones rather than adding to them),
  deduplicated there. An empty list counts as unknown, like a missing one. Incremental per
  paper, following papers (macros/paper_fingerprints.sql).
-#}
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_rows_of_recomputed_papers() }}",
    )
}}

select
    paper_id,
    unnest(ai_keywords) as keyword,
    listings_fingerprint
from {{ ref('papers') }}
where ai_keywords is not null
{{ papers_not_unnested_yet() }}
order by paper_id, keyword
