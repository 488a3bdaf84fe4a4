{#-
  Fails for every combination of the columns that occurs more than once.
  Nulls count as values (a null key is one group), unlike dbt's built-in `unique`.
-#}
{% test unique_combination(model, columns) %}
select {{ columns | join(', ') }}, count(*) as occurrences
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
