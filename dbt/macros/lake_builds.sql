{#-
  Incremental loading of the DuckLake lake (attached read-only as `lake`), one lake build at a
  time.

  Every row in the lake carries lake_build, the number of the build that wrote it (numbers
  only grow), and lake.raw_files names, for each raw file, the build whose rows are current.
  So a staging table can mirror the lake exactly:
    - load the rows of builds it has not seen: lake_build > the largest it holds (DuckLake's
      file statistics skip every older data file, so a new page costs a read of that page);
    - delete the rows whose (source_file, lake_build) is no longer current: a raw file that
      changed or was re-parsed has newer rows, a forgotten one has none.
  Rows written by other code never mix with new ones: any change to the code (the package,
  this project, the suites, the pinned versions) makes the build run dbt with --full-refresh
  (warehouse/build_state.py).
-#}

{#- The filter of a staging model's select from a lake table: only builds `this` lacks. -#}
{% macro only_new_lake_builds() -%}
    {%- if is_incremental() -%}
        where lake_build > (select coalesce(max(lake_build), 0) from {{ this }})
    {%- endif -%}
{%- endmacro %}


{#- Pre-hook of a staging model: delete its rows that are no longer the lake's current ones.
    Runs in the model's transaction. -#}
{% macro delete_rows_not_in_lake() -%}
    {%- if is_incremental() -%}
        delete from {{ this }} as staged
        where not exists (
            select 1
            from {{ source('lake', 'raw_files') }} as current_files
            where current_files.source_file = staged.source_file
              and current_files.lake_build = staged.lake_build
        )
    {%- endif -%}
{%- endmacro %}

