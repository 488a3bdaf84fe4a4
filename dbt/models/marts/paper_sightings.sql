{#-
  Vote history: one row per paper per scrape (paper_id, scraped_at), for charting how
  upvotes grow. Listings of the same paper at the same scraped_at (the same page saved in
  two formats, a card listed twice) are one sighting; the kept row is the one that shows a
  vote count, then the latest ingested, then the last source_file / record_index.

  Incremental per paper like papers (macros/paper_fingerprints.sql): a build recomputes the
  history of the papers whose listings changed.
-#}
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_rows_of_changed_papers() }}",
    )
}}

with papers_listings as (

    {#- Narrow: which listings to use (all, or those of changed papers), and their paper. -#}
    select
        listing_rowid,
        paper_id
    from {{ ref('stg_listing_papers') }}
    {{ papers_to_compute() }}

),

listings as (

    select
        papers_listings.paper_id,
        stg_listings.scraped_at,
        stg_listings.upvotes,
        stg_listings.num_comments,
        stg_listings.github_stars,
        stg_listings.source_file,
        stg_listings.source_sha256,
        stg_listings.source_format,
        stg_listings.record_index,
        stg_listings.ingested_at,
        stg_listings.lake_build
    from papers_listings
    inner join {{ ref('stg_listings') }} as stg_listings
        on stg_listings.rowid = papers_listings.listing_rowid

),

fingerprints as (

    select
        paper_id,
        {{ listings_fingerprint() }} as listings_fingerprint
    from listings
    group by paper_id

)

select
    listings.paper_id,
    listings.scraped_at,
    cast(listings.scraped_at as date) as scraped_on,
    listings.upvotes,
    listings.num_comments,
    listings.github_stars,
    listings.source_file,
    listings.source_sha256,
    listings.source_format,
    listings.record_index,
    listings.ingested_at,
    fingerprints.listings_fingerprint
from listings
inner join fingerprints
    on listings.paper_id = fingerprints.paper_id
qualify row_number() over (
    partition by listings.paper_id, listings.scraped_at
    order by
        listings.upvotes is null,
        listings.ingested_at desc,
        listings.source_file desc,
        listings.record_index desc
) = 1
