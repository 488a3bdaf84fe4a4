{#-
  Raw rejects, typed: records the parser could not read, with the reason and the source line.
  Incremental by lake file like stg_listings (macros/lake_files.sql).
-#}
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_rows_not_in_lake('rejects') }}",
    )
}}

with source as (

    select
        *,
        filename
    from {{ lake_files_to_read(source('lake', 'rejects')) }}

)

select
    parse_filename(filename) as lake_file,
    cast(source_file as varchar) as source_file,
    cast(source_sha256 as varchar) as source_sha256,
    cast(source_format as varchar) as source_format,
    cast(line_number as integer) as line_number,
    cast(reason as varchar) as reason,
    cast(snippet as varchar) as snippet,
    cast(ingested_at as timestamptz) as ingested_at,
    '{{ code_version() }}' as code_version
from source
