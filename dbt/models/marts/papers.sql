{#-
  One row per distinct paper (see stg_listings for how paper_id is assigned).

  Every descriptive column is the latest non-null value over the paper's listings, so a
  rich source (Hub API JSON) fills what a poor one (text page) lacks, and a newer scrape
  wins over an older one. "Latest" orders listings by scraped_at, then ingested_at,
  source_file and record_index, all descending: deterministic even for ties.
-#}
with listings as (

    select
        *,
        row_number() over (
            partition by paper_id
            order by scraped_at desc, ingested_at desc, source_file desc, record_index desc
        ) as recency_rank
    from {{ ref('stg_listings') }}

)

select
    paper_id,
    arg_min(arxiv_id, recency_rank) filter (where arxiv_id is not null) as arxiv_id,
    arg_min(title, recency_rank) filter (where title is not null) as title,
    arg_min(abstract, recency_rank) filter (where abstract is not null) as abstract,
    arg_min(authors_count, recency_rank) filter (where authors_count is not null)
        as authors_count,
    arg_min(array_to_string(author_names, ', '), recency_rank)
        filter (where author_names is not null and len(author_names) > 0) as authors,
    arg_min(published_date, recency_rank) filter (where published_date is not null)
        as published_date,
    arg_min(upvotes, recency_rank) filter (where upvotes is not null) as upvotes,
    arg_min(num_comments, recency_rank) filter (where num_comments is not null) as num_comments,
    arg_min(github_url, recency_rank) filter (where github_url is not null) as github_url,
    arg_min(github_stars, recency_rank) filter (where github_stars is not null) as github_stars,
    arg_min(submitted_on_daily_date, recency_rank)
        filter (where submitted_on_daily_date is not null) as submitted_on_daily_date,
    min(scraped_at) as first_seen_at,
    max(scraped_at) as last_seen_at,
    count(distinct scraped_at) as sightings,
    count(*) as listing_rows
from listings
group by paper_id
order by paper_id
