{#-
  Fails for every row where any of the columns is null: one query for all the columns of a
  model that are never null. A dbt test per column costs a node each (dbt's own time and a
  Dagster check event per node, more than the query), which a build pays every time.
-#}
{% test not_null_columns(model, columns) %}
select {{ columns | join(', ') }}
from {{ model }}
where {% for column in columns %}{{ column }} is null{% if not loop.last %} or {% endif %}{% endfor %}
{% endtest %}
