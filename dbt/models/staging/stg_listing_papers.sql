{#-
  Every staged listing with its paper identity. paper_id, in order of preference:
    1. the listing's own arXiv id (normalized in stg_listings: lower case, no "arXiv:"
       prefix, no version suffix "v2");
    2. else the arXiv id of any listing with the same title_key (so a title-only text card
       merges with a JSON record of the same paper; if several arXiv ids share a title_key,
       the smallest one, deterministically);
    3. else 'title:' || md5(title_key), stable across runs and machines.
  Rule 2 makes a listing's paper_id depend on other lake files (a new JSON record can give
  old title-only cards an arXiv id), so it is resolved here, over the whole staged lake, on
  every read: a view, not stored.

  listing_rowid is the listing's DuckDB row id in stg_listings, valid within one query: a
  mart picks the listings it needs from this view's narrow columns (title_key, arxiv_id),
  then fetches their wide ones (abstracts) from stg_listings by row id, which DuckDB does
  without scanning the rest.
-#}
{#- stg_listings is named twice, not through one CTE: DuckDB would materialize a CTE used twice,
    abstracts and all, where two scans read only the columns each side needs. -#}
with arxiv_id_by_title_key as (

    select
        title_key,
        min(arxiv_id) as arxiv_id
    from {{ ref('stg_listings') }}
    where arxiv_id is not null
    group by title_key

)

select
    coalesce(
        listings.arxiv_id,
        arxiv_id_by_title_key.arxiv_id,
        'title:' || md5(listings.title_key)
    ) as paper_id,
    listings.rowid as listing_rowid,
    listings.*
from {{ ref('stg_listings') }} as listings
left join arxiv_id_by_title_key
    on listings.title_key = arxiv_id_by_title_key.title_key
