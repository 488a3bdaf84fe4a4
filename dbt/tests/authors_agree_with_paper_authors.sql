{{ config(meta={'dagster': {'ref': {'name': 'authors'}}}) }}
{#-
  authors has one row per name in paper_authors and no other, and its papers add up to the
  distinct (name, paper) pairs there; each author's dates lie within their papers' dates.
-#}
with pairs as (

    select distinct
        paper_authors.author_name,
        paper_authors.paper_id,
        papers.published_date
    from {{ ref('paper_authors') }} as paper_authors
    inner join {{ ref('papers') }} as papers
        on paper_authors.paper_id = papers.paper_id

),

expected as (

    select
        author_name,
        count(*) as papers,
        min(published_date) as first_paper_date,
        max(published_date) as last_paper_date
    from pairs
    group by author_name

)

select
    coalesce(authors.author_name, expected.author_name) as author_name,
    authors.papers,
    expected.papers as expected_papers
from {{ ref('authors') }} as authors
full outer join expected
    on authors.author_name = expected.author_name
where authors.author_name is null
   or expected.author_name is null
   or authors.papers != expected.papers
   or authors.first_paper_date is distinct from expected.first_paper_date
   or authors.last_paper_date is distinct from expected.last_paper_date
