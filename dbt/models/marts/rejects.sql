{#- Records the parser could not read, published next to the tidy tables for follow-up. -#}
select
    source_file,
    source_sha256,
    source_format,
    line_number,
    reason,
    snippet,
    ingested_at
from {{ ref('stg_rejects') }}
order by source_file, line_number nulls last, ingested_at
