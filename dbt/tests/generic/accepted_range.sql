{#-
  Fails for every non-null value outside [min_value, max_value] (bounds optional, inclusive).
  A small stand-in for dbt_utils.accepted_range: this project installs no dbt packages.
-#}
{% test accepted_range(model, column_name, min_value=none, max_value=none) %}
select {{ column_name }}
from {{ model }}
where {{ column_name }} is not null
  and (
    false
    {%- if min_value is not none %} or {{ column_name }} < {{ min_value }}{% endif %}
    {%- if max_value is not none %} or {{ column_name }} > {{ max_value }}{% endif %}
  )
{% endtest %}
