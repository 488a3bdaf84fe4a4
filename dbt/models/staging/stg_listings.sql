{#-
  Raw listings, typed and cleaned, one row per card per lake file, with the normalized
  title the marts match papers by:

  title_key  the title normalized for matching: Unicode NFC, lower case, every run of
             characters that are not letters or digits folded to one space, trimmed.
             "DETR Doesn't Need…" and "detr doesn’t need" get the same key.

  An incremental table that mirrors the lake one lake build at a time (macros/lake_builds.sql):
  a build reads only the rows of lake builds it has not loaded yet and deletes the rows of raw
  files that changed or were forgotten, so a new 50-row page costs a 50-row read, not a scan
  of the lake. Paper identity (paper_id) depends on other files' rows, so it is resolved
  downstream, in stg_listing_papers.
-#}
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_rows_not_in_lake() }}",
    )
}}

with source as (

    select
        *,
        {{ bare_arxiv_id('arxiv_id') }} as bare_arxiv_id
    from {{ source('lake', 'listings') }}
    {{ only_new_lake_builds() }}

)

select
    cast(lake_build as bigint) as lake_build,
    cast(source_file as varchar) as source_file,
    cast(source_sha256 as varchar) as source_sha256,
    cast(source_format as varchar) as source_format,
    cast(record_index as integer) as record_index,
    cast(line_number as integer) as line_number,
    cast(scraped_at as timestamptz) as scraped_at,
    cast(page_date as date) as page_date,
    cast(title as varchar) as title,
    {#- trim() copies the string: only call it when an end is blank (1.5 GB at 1M rows). -#}
    nullif(
        case
            when trim(abstract[1]) = '' or trim(abstract[-1]) = '' then trim(abstract)
            else abstract
        end,
        ''
    ) as abstract,
    coalesce(
        cast(authors_count as integer),
        cast(nullif(len(author_names), 0) as integer)
    ) as authors_count,
    cast(author_names as varchar[]) as author_names,
    cast(author_affiliations as varchar[]) as author_affiliations,
    cast(authors_raw as varchar) as authors_raw,
    cast(published_date as date) as published_date,
    cast(upvotes as integer) as upvotes,
    {#- macros/arxiv_ids.sql: as the parsers write it (old-style subject class in upper case). -#}
    {{ normalized_arxiv_id('bare_arxiv_id') }} as arxiv_id,
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
