{#-
  Incremental marts per paper. A mart row of paper P (papers) or rows (paper_sightings) are a
  function of P's listings alone, so a model may keep P's rows as long as P's listings are
  the same ones it computed them from. Each row stores listings_fingerprint: an
  order-independent hash of the set of P's listings (raw file, lake build, record index:
  a lake build's rows never change). Rows computed by other code never stay: any change to the
  code makes the build run dbt with --full-refresh (warehouse/build_state.py). On an
  incremental run:
    1. pre-hook: delete the rows whose paper's fingerprint is no longer the current one
       (listings added, removed or re-assigned to another paper_id), and the rows of papers
       that no longer exist;
    2. the model computes the papers `this` no longer holds (changed and new ones) and dbt
       appends them.
  The result is, row for row, what a full rebuild computes.
-#}

{#- The fingerprint of one paper's listings; an aggregate over rows of stg_listing_papers. -#}
{% macro listings_fingerprint() -%}
    bit_xor(hash(source_file, lake_build, record_index))
{%- endmacro %}


{#- Pre-hook: delete this model's rows of papers whose listings changed or are gone. -#}
{% macro delete_rows_of_changed_papers() -%}
    {%- if is_incremental() and has_columns(this, ['paper_id', 'listings_fingerprint']) -%}
        delete from {{ this }} as kept
        where not exists (
            select 1
            from (
                select
                    paper_id,
                    {{ listings_fingerprint() }} as listings_fingerprint
                from {{ ref('stg_listing_papers') }}
                group by paper_id
            ) as current_papers
            where current_papers.paper_id = kept.paper_id
              and current_papers.listings_fingerprint = kept.listings_fingerprint
        )
    {%- endif -%}
{%- endmacro %}


{#-
  The filter an incremental paper mart puts on stg_listing_papers: only the listings of
  papers `this` does not hold (after the pre-hook, exactly the changed and new ones).
-#}
{% macro papers_to_compute() -%}
    {%- if is_incremental() -%}
        where paper_id not in (select paper_id from {{ this }})
    {%- endif -%}
{%- endmacro %}


{#-
  Whether `relation` has every column in `names`. A table built before these columns existed
  gets no hook SQL that would fail on them; the models' on_schema_change='fail' then stops
  the build with dbt's own message: run it with --full-refresh.
-#}
{% macro has_columns(relation, names) -%}
    {%- set present = adapter.get_columns_in_relation(relation) | map(attribute='name') | list -%}
    {{- return(names | reject('in', present) | list | length == 0) -}}
{%- endmacro %}


{#-
  Marts unnested from papers' rows (paper_authors, paper_keywords, paper_categories) follow
  its per-paper increments: each row keeps its paper's listings_fingerprint; the pre-hook
  deletes the rows whose paper row was recomputed (another fingerprint) or is gone, and the
  model unnests only the papers `this` does not hold.
-#}
{% macro delete_rows_of_recomputed_papers() -%}
    {%- if is_incremental() and has_columns(this, ['paper_id', 'listings_fingerprint']) -%}
        delete from {{ this }} as kept
        where not exists (
            select 1
            from {{ ref('papers') }} as papers
            where papers.paper_id = kept.paper_id
              and papers.listings_fingerprint = kept.listings_fingerprint
        )
    {%- endif -%}
{%- endmacro %}


{#- The filter such a mart puts on papers: only the papers `this` does not hold. -#}
{% macro papers_not_unnested_yet() -%}
    {%- if is_incremental() -%}
        and paper_id not in (select paper_id from {{ this }})
    {%- endif -%}
{%- endmacro %}
