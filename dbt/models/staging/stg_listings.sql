{#-
  Raw listings, typed and cleaned, with the two keys every mart uses:

  title_key  the title normalized for matching: Unicode NFC, lower case, every run of
             characters that are not letters or digits folded to one space, trimmed.
             "DETR Doesn't Need…" and "detr doesn’t need" get the same key.
  paper_id   one identity per paper, in order of preference:
               1. the record's own arXiv id (normalized: lower case, no "arXiv:" prefix,
                  no version suffix "v2");
               2. else the arXiv id of any listing with the same title_key (so a
                  title-only text card merges with a JSON record of the same paper; if
                  several arXiv ids share a title_key, the smallest one, deterministically);
               3. else 'title:' || md5(title_key), stable across runs and machines.
-#}
with source as (

    select * from {{ source('lake', 'listings') }}

),

typed as (

    select
        cast(source_file as varchar) as source_file,
        cast(source_sha256 as varchar) as source_sha256,
        cast(source_format as varchar) as source_format,
        cast(record_index as integer) as record_index,
        cast(line_number as integer) as line_number,
        cast(scraped_at as timestamptz) as scraped_at,
        cast(page_date as date) as page_date,
        cast(title as varchar) as title,
        nullif(trim(cast(abstract as varchar)), '') as abstract,
        coalesce(
            cast(authors_count as integer),
            cast(nullif(len(author_names), 0) as integer)
        ) as authors_count,
        cast(author_names as varchar[]) as author_names,
        cast(published_date as date) as published_date,
        cast(upvotes as integer) as upvotes,
        nullif(
            regexp_replace(
                regexp_replace(lower(trim(cast(arxiv_id as varchar))), '^arxiv:', ''),
                'v[0-9]+$', ''
            ),
            ''
        ) as arxiv_id,
        nullif(trim(cast(github_url as varchar)), '') as github_url,
        cast(submitted_on_daily_date as date) as submitted_on_daily_date,
        cast(num_comments as integer) as num_comments,
        cast(github_stars as integer) as github_stars,
        cast(ai_keywords as varchar[]) as ai_keywords,
        cast(categories as varchar[]) as categories,
        cast(ingested_at as timestamptz) as ingested_at,
        trim(
            regexp_replace(lower(nfc_normalize(title)), '[^\p{L}\p{N}]+', ' ', 'g')
        ) as title_key
    from source

),

arxiv_id_by_title_key as (

    select
        title_key,
        min(arxiv_id) as arxiv_id
    from typed
    where arxiv_id is not null
    group by title_key

)

select
    coalesce(
        typed.arxiv_id,
        arxiv_id_by_title_key.arxiv_id,
        'title:' || md5(typed.title_key)
    ) as paper_id,
    typed.*
from typed
left join arxiv_id_by_title_key
    on typed.title_key = arxiv_id_by_title_key.title_key
