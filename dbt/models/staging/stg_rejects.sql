{#- Raw rejects, typed: records the parser could not read, with the reason and the source line. -#}
select
    cast(source_file as varchar) as source_file,
    cast(source_sha256 as varchar) as source_sha256,
    cast(source_format as varchar) as source_format,
    cast(line_number as integer) as line_number,
    cast(reason as varchar) as reason,
    cast(snippet as varchar) as snippet,
    cast(ingested_at as timestamptz) as ingested_at
from {{ source('lake', 'rejects') }}
