{#-
  One row per distinct paper (see stg_listing_papers for how paper_id is assigned).

  Every descriptive column is the latest non-null value over the paper's listings, so a
  rich source (Hub API JSON) fills what a poor one (text page) lacks, and a newer scrape
  wins over an older one. "Latest" orders listings by scraped_at, then ingested_at,
  source_file and record_index: deterministic even for ties. One grouping pass with
  arg_max(value, recency) per column, no window over the listings; recency is one BIGINT
  (the rank of the listing's scrape among all scrapes, then record_index), which DuckDB
  compares far faster than the four columns. The aggregate holds narrow values only: for the
  wide ones (abstract, the lists) it picks the row id of the winning listing, and the values
  are fetched by row id afterwards, so memory does not grow with abstracts (at ~1M distinct
  papers, arg_max over abstracts ran out of a 2 GB limit). An incremental build reads the
  listings of the changed papers only (see stg_listing_papers).

  The lists (author_names, ai_keywords, categories) are taken whole from the latest listing
  with a non-empty one, never merged across listings, so the order of names and the primary
  category (listed first) come from one source. The tidy marts paper_authors,
  paper_keywords and paper_categories unnest them, so they follow this table's per-paper
  incremental builds for free. authors_count stays the count the sources show (Hub API
  counts hidden authors, whose names are not listed): the list's length only stands in
  when no count is shown, or when a stale count is smaller than the names listed.

  Incremental per paper (macros/paper_fingerprints.sql): a build recomputes only the papers
  whose listings changed.
-#}
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook=[
            "{{ delete_rows_of_changed_papers() }}",
            "set disabled_optimizers = 'build_side_probe_side'",
        ],
        post_hook="reset disabled_optimizers",
    )
}}

with scrapes as (

    {#- One row per (scraped_at, ingested_at, source_file): about one per raw file. -#}
    select
        scraped_at,
        ingested_at,
        source_file,
        row_number() over (order by scraped_at, ingested_at, source_file) as scrape_order
    from (
        select distinct scraped_at, ingested_at, source_file
        from {{ ref('stg_listings') }}
    )

),

papers_listings as (

    {#- Narrow: which listings to aggregate (all, or those of changed papers), and their paper. -#}
    select
        listing_rowid,
        paper_id
    from {{ ref('stg_listing_papers') }}
    {{ papers_to_compute() }}

),

listings as (

    {#- Narrow columns only, plus flags for the wide ones: the aggregate below never holds an
        abstract or a list; it picks the row id of the listing whose value wins. -#}
    select
        papers_listings.paper_id,
        papers_listings.listing_rowid,
        scrapes.scrape_order * 4294967296 + stg_listings.record_index as recency,
        stg_listings.arxiv_id,
        stg_listings.title,
        stg_listings.abstract is not null as has_abstract,
        stg_listings.authors_count,
        len(stg_listings.author_names) > 0 as has_author_names,
        len(stg_listings.ai_keywords) > 0 as has_ai_keywords,
        len(stg_listings.categories) > 0 as has_categories,
        stg_listings.published_date,
        stg_listings.upvotes,
        stg_listings.num_comments,
        stg_listings.github_url,
        stg_listings.github_stars,
        stg_listings.submitted_on_daily_date,
        stg_listings.scraped_at,
        stg_listings.source_file,
        stg_listings.lake_build,
        stg_listings.record_index
    {#- This model keeps joins as written (see with_wide_values): the right side is hashed.
        An incremental build hashes the few chosen listings and probes stg_listings, whose
        scan their row ids prune (hashing all of stg_listings took 7.3 s instead of 2.4 s for
        a page of 50 papers beside the 2.7M-record arXiv snapshot); a full build hashes
        stg_listings, which stays within a small memory limit (tests/test_marts_memory.py)
        where the other way round did not. #}
    {%- if is_incremental() %}
    from {{ ref('stg_listings') }} as stg_listings
    inner join papers_listings
    {%- else %}
    from papers_listings
    inner join {{ ref('stg_listings') }} as stg_listings
    {%- endif %}
        on stg_listings.rowid = papers_listings.listing_rowid
    inner join scrapes
        on stg_listings.scraped_at = scrapes.scraped_at
        and stg_listings.ingested_at = scrapes.ingested_at
        and stg_listings.source_file = scrapes.source_file

),

latest as (

    select
        paper_id,
        arg_max(arxiv_id, recency) filter (where arxiv_id is not null) as arxiv_id,
        arg_max(title, recency) filter (where title is not null) as title,
        arg_max(listing_rowid, recency) filter (where has_abstract) as abstract_rowid,
        arg_max(authors_count, recency) filter (where authors_count is not null)
            as listed_authors_count,
        {#- Lists: the latest non-empty one, whole, so positions come from one listing. -#}
        arg_max(listing_rowid, recency) filter (where has_author_names)
            as author_names_rowid,
        arg_max(listing_rowid, recency) filter (where has_ai_keywords) as ai_keywords_rowid,
        arg_max(listing_rowid, recency) filter (where has_categories) as categories_rowid,
        arg_max(published_date, recency) filter (where published_date is not null)
            as published_date,
        arg_max(upvotes, recency) filter (where upvotes is not null) as upvotes,
        arg_max(num_comments, recency) filter (where num_comments is not null) as num_comments,
        arg_max(github_url, recency) filter (where github_url is not null) as github_url,
        arg_max(github_stars, recency) filter (where github_stars is not null) as github_stars,
        arg_max(submitted_on_daily_date, recency)
            filter (where submitted_on_daily_date is not null) as submitted_on_daily_date,
        min(scraped_at) as first_seen_at,
        max(scraped_at) as last_seen_at,
        count(distinct scraped_at) as sightings,
        count(*) as listing_rows,
        {{ listings_fingerprint() }} as listings_fingerprint
    from listings
    group by paper_id

),

with_lists as (

    {#- The winning listings' lists, fetched by row id (small: names, keywords, categories). -#}
    select
        latest.* exclude (author_names_rowid, ai_keywords_rowid, categories_rowid),
        names.author_names,
        names.author_affiliations,
        keywords.ai_keywords,
        listed_categories.categories
    from latest
    left join {{ ref('stg_listings') }} as names
        on names.rowid = latest.author_names_rowid
    left join {{ ref('stg_listings') }} as keywords
        on keywords.rowid = latest.ai_keywords_rowid
    left join {{ ref('stg_listings') }} as listed_categories
        on listed_categories.rowid = latest.categories_rowid

),

with_wide_values as (

    {#- Then the abstracts, last, each paper's narrow row meeting one listing's abstract: the
        hash table is built on the papers side (this model's pre-hook turns off DuckDB's
        build-side swap, which here built it on the abstracts and ran out of memory), and
        the abstracts stream through the probe into the table. -#}
    select
        with_lists.* exclude (abstract_rowid),
        abstracts.abstract
    from {{ ref('stg_listings') }} as abstracts
    right join with_lists
        on abstracts.rowid = with_lists.abstract_rowid

),

cleaned as (

    {#- Null names dropped (positions stay 1..n); keywords and categories also deduplicated,
        keeping the first occurrence, so the category listed first stays first (primary). -#}
    select
        * replace (
            list_filter(author_names, lambda name: name is not null) as author_names,
            {#- kept parallel to author_names: the same positions dropped -#}
            list_filter(
                author_affiliations, lambda affiliation, i: author_names[i] is not null
            ) as author_affiliations,
            list_filter(
                ai_keywords,
                lambda keyword, i: keyword is not null
                    and list_position(ai_keywords, keyword) = i
            ) as ai_keywords,
            list_filter(
                categories,
                lambda category, i: category is not null
                    and list_position(categories, category) = i
            ) as categories
        )
    from with_wide_values

)

select
    paper_id,
    arxiv_id,
    title,
    abstract,
    {#- The count as listed (Hub API counts hidden authors, whose names are not listed); a
        listed count smaller than the names listed is stale and gives way to their number. -#}
    greatest(listed_authors_count, nullif(len(author_names), 0)) as authors_count,
    nullif(array_to_string(author_names, ', '), '') as authors,
    nullif(author_names, []) as author_names,
    {#- only where some affiliation is known -#}
    case
        when list_count(author_affiliations) > 0 then author_affiliations
    end as author_affiliations,
    nullif(ai_keywords, []) as ai_keywords,
    nullif(categories, []) as categories,
    published_date,
    upvotes,
    num_comments,
    github_url,
    github_stars,
    submitted_on_daily_date,
    first_seen_at,
    last_seen_at,
    sightings,
    listing_rows,
    listings_fingerprint
from cleaned
