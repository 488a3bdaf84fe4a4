{#-
  One row per author name over paper_authors: how many distinct papers carry the name and
  the publication dates of the first and the last of them. Names are matched exactly (as the
  sources print them, whitespace folded): two spellings of one person are two rows, and two
  people with one name are one row.
-#}
with author_papers as (

    {#- One row per (name, paper), even when a paper lists the same name twice. -#}
    select distinct
        author_name,
        paper_id
    from {{ ref('paper_authors') }}

)

select
    author_papers.author_name,
    count(*) as papers,
    min(papers.published_date) as first_paper_date,
    max(papers.published_date) as last_paper_date
from author_papers
inner join {{ ref('papers') }} as papers
    on author_papers.paper_id = papers.paper_id
group by author_papers.author_name
order by author_papers.author_name
