{#-
  Fails for every non-null value that is not a normalized arXiv id (macros/arxiv_ids.sql):
  new style 2505.03176, or old style hep-th/9901001 / math.AG/0309136; no prefix, no version.
-#}
{% test valid_arxiv_id(model, column_name) %}
select {{ column_name }}
from {{ model }}
where {{ column_name }} is not null
  and not regexp_full_match({{ column_name }}, '{{ arxiv_id_pattern() }}')
{% endtest %}
