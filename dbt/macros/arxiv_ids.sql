{#-
  arXiv identifiers: the one pattern every table agrees on, and the SQL that normalizes a raw
  value to it, as dagster_project/raw/arxiv_ids.py does in the parsers:
    new style  2505.03176                      (YYMM.NNNNN, 4 or 5 digits after the dot)
    old style  hep-th/9901001, math.AG/0309136 (archive in lower case, subject class in
                                                upper case, 7 digits)
  without an "arXiv:" prefix or a version suffix ("v2").
-#}

{#- The pattern of a normalized id, for regexp_full_match (RE2). -#}
{% macro arxiv_id_pattern() -%}
    [0-9]{4}\.[0-9]{4,5}|[a-z]+(-[a-z]+)*(\.[A-Z]{2})?/[0-9]{7}
{%- endmacro %}


{#- Step 1 of normalizing: `value` trimmed, without an "arXiv:" prefix or a version suffix. -#}
{% macro bare_arxiv_id(value) -%}
    regexp_replace(
        regexp_replace(trim(cast({{ value }} as varchar)), '^arxiv:', '', 'i'),
        'v[0-9]+$', '', 'i'
    )
{%- endmacro %}


{#-
  Step 2, on the result of bare_arxiv_id: an old-style id's archive lower-cased and subject
  class upper-cased ("MATH.ag/0309136" → "math.AG/0309136"); any other value lower-cased;
  null when nothing is left.
-#}
{% macro normalized_arxiv_id(bare) -%}
    nullif(
        case
            when regexp_full_match({{ bare }}, '[A-Za-z]+(-[A-Za-z]+)*(\.[A-Za-z]{2})?/[0-9]{7}')
                then lower(regexp_extract({{ bare }}, '^[A-Za-z-]+'))
                    || upper(regexp_extract({{ bare }}, '^[A-Za-z-]+(\.[A-Za-z]{2})?/', 1))
                    || regexp_extract({{ bare }}, '/[0-9]{7}$')
            else lower({{ bare }})
        end,
        ''
    )
{%- endmacro %}
