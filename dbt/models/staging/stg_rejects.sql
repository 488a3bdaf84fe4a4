{#-
  Raw rejects, typed: records the parser could not read, with the reason and the source line.
  Incremental by lake build like stg_listings (macros/lake_builds.sql).
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

    select *
    from {{ source('lake', 'rejects') }}
    {{ only_new_lake_builds() }}

)

select
    cast(lake_build as bigint) as lake_build,
    cast(source_file as varchar) as source_file,
    cast(source_sha256 as varchar) as source_sha256,
    cast(source_format as varchar) as source_format,
    cast(line_number as integer) as line_number,
    cast(reason as varchar) as reason,
    cast(snippet as varchar) as snippet,
    cast(ingested_at as timestamptz) as ingested_at
from source
