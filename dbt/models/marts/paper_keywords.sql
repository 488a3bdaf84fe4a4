{#-
  The Hub's AI keywords of each paper: one row per distinct keyword. They are
  papers.ai_keywords, the latest non-empty keyword list of the paper's listings (the Hub
  regenerates keywords, so its latest list replaces older ones rather than adding to them),
  deduplicated there. An empty list counts as unknown, like a missing one.
-#}
select
    paper_id,
    unnest(ai_keywords) as keyword
from {{ ref('papers') }}
where ai_keywords is not null
order by paper_id, keyword
