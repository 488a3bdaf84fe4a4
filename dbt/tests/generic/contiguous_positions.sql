{#-
  Fails for every group (e.g. a paper) whose positions in column_name are not exactly
  1, 2, …, n for its n rows: a gap, a repeat or a start other than 1.
-#}
{% test contiguous_positions(model, column_name, group_by) %}
select
    {{ group_by }},
    min({{ column_name }}) as first_position,
    max({{ column_name }}) as last_position,
    count(distinct {{ column_name }}) as distinct_positions,
    count(*) as positions
from {{ model }}
group by {{ group_by }}
having min({{ column_name }}) is distinct from 1
    or max({{ column_name }}) != count(*)
    or count(distinct {{ column_name }}) != count(*)
{% endtest %}
