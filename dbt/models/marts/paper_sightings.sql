{#-
  Vote history: one row per paper per scrape (paper_id, scraped_at), for charting how
  upvotes grow. Listings of the same paper at the same scraped_at (the same page saved in
  two formats, a card listed twice) are one sighting; the kept row is the one that shows a
  vote count, then the latest ingested, then the last source_file / record_index.
-#}
with listings as (

    select
        *,
        row_number() over (
            partition by paper_id, scraped_at
            order by
                upvotes is null,
                ingested_at desc,
                source_file desc,
                record_index desc
        ) as duplicate_rank
    from {{ ref('stg_listings') }}

)

select
    paper_id,
    scraped_at,
    cast(scraped_at as date) as scraped_on,
    upvotes,
    num_comments,
    github_stars,
    source_file,
    source_sha256,
    source_format,
    record_index,
    ingested_at
from listings
where duplicate_rank = 1
order by paper_id, scraped_at
