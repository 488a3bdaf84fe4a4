{{ config(meta={'dagster': {'ref': {'name': 'paper_authors'}}}) }}
{#-
  paper_authors holds exactly the author list of each paper (papers.author_names, one row per
  name), and the counts are consistent with the list: a paper with named authors has an
  authors_count, and never fewer authors than names (hidden authors make it more).
-#}
with named as (

    select
        paper_id,
        count(*) as names
    from {{ ref('paper_authors') }}
    group by paper_id

)

select
    coalesce(papers.paper_id, named.paper_id) as paper_id,
    papers.authors_count,
    len(papers.author_names) as listed_names,
    named.names as paper_authors_rows
from {{ ref('papers') }} as papers
full outer join named
    on papers.paper_id = named.paper_id
where coalesce(named.names, 0) != coalesce(len(papers.author_names), 0)
   or (named.names is not null and papers.authors_count is null)
   or named.names > papers.authors_count
