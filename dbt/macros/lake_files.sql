{#-
  Incremental loading of the Parquet lake, one lake file at a time.

  The lake holds one immutable file per raw file (its name is the raw file's content hash
  and scrape time), so a staging table keyed by lake file can mirror the lake exactly:
    - load the files the table does not hold yet (read only those: a 1M-listing lake is
      20,000 files, and opening them all costs far more than the rows in a new one);
    - delete the rows of files that are gone (a changed raw file gets a new lake file and
      its old one is deleted; `papers-warehouse forget` deletes files);
    - rows written by other dbt code (code_version differs) count as not loaded: they are
      deleted and their files read again, so editing a model never leaves stale rows.
  DuckDB's glob() lists the directory without opening any file.
-#}

{#- The glob of one lake table, e.g. lake_glob('listings'); the same as its source's. -#}
{% macro lake_glob(table) -%}
    {{- env_var('PAPERS_WAREHOUSE_DATA_DIR') ~ '/lake/' ~ table ~ '/*.parquet' -}}
{%- endmacro %}


{#-
  What a staging model over a lake source selects from: the whole source on a first build
  or a full refresh; on an incremental run, only the lake files `this` does not hold yet (by
  name), read with union_by_name like the source. Either way the Parquet reader's virtual
  column `filename` names each row's file.

  The zero-row `_empty.parquet` every lake table keeps is never "held" (it has no rows), so
  the list of new files is never empty while the lake exists.
-#}
{% macro lake_files_to_read(whole_lake) -%}
    {%- set table = whole_lake.identifier -%}
    {%- if not (execute and is_incremental() and has_columns(this, ['lake_file', 'code_version'])) -%}
        {{- return(whole_lake) -}}
    {%- endif -%}
    {%- set lake_files_query -%}
        select
            file,
            parse_filename(file) in (
                select lake_file
                from {{ this }}
                where code_version = '{{ code_version() }}'
            ) as loaded
        from glob('{{ lake_glob(table) }}')
        order by file
    {%- endset -%}
    {%- set lake_files = run_query(lake_files_query).rows -%}
    {%- set new_files = lake_files | rejectattr('loaded') | map(attribute='file') | list -%}
    {%- if lake_files | selectattr('loaded') | list | length == 0 -%}
        {#- Nothing loaded yet (or only by other code): the whole lake, no list of 20,000 files;
            an empty lake fails here as the source does on a first build. -#}
        {{- return(whole_lake) -}}
    {%- elif new_files | length == 0 -%}
        {#- Never while _empty.parquet exists (it has no rows, so it is never loaded). -#}
        {{- return('(select * from ' ~ _read_lake_files([lake_files[0]['file']]) ~ ' limit 0)') -}}
    {%- endif -%}
    {{- return(_read_lake_files(new_files)) -}}
{%- endmacro %}

{% macro _read_lake_files(files) -%}
    {%- set quoted = [] -%}
    {%- for file in files -%}
        {%- do quoted.append("'" ~ file | replace("'", "''") ~ "'") -%}
    {%- endfor -%}
    {{- return('read_parquet([' ~ quoted | join(', ') ~ '], union_by_name = true)') -}}
{%- endmacro %}


{#-
  Pre-hook of a staging model over lake table `table`: on an incremental run, delete the
  rows whose lake file is gone or that older code wrote. Runs in the model's transaction.
-#}
{% macro delete_rows_not_in_lake(table) -%}
    {%- if is_incremental() and has_columns(this, ['lake_file', 'code_version']) -%}
        delete from {{ this }}
        where code_version is distinct from '{{ code_version() }}'
           or lake_file not in (select parse_filename(file) from glob('{{ lake_glob(table) }}'))
    {%- endif -%}
{%- endmacro %}


{#-
  Whether `relation` has every column in `names`. A table built before these columns existed
  gets no hook SQL that would fail on them; the models' on_schema_change='fail' then stops
  the build with dbt's own message: run it with --full-refresh.
-#}
{% macro has_columns(relation, names) -%}
    {%- set present = adapter.get_columns_in_relation(relation) | map(attribute='name') | list -%}
    {{- return(names | reject('in', present) | list | length == 0) -}}
{%- endmacro %}


{#-
  A checksum of the code of the current model and of every model upstream of it. Incremental
  models store it (or fold it into a fingerprint) so rows computed by older code are
  recomputed instead of mixed with new ones.
-#}
{% macro code_version() -%}
    {%- if not execute -%}
        {{- return('') -}}
    {%- endif -%}
    {%- set upstream = [] -%}
    {%- do _collect_upstream_models(model.unique_id, upstream) -%}
    {%- set checksums = [] -%}
    {%- for unique_id in upstream | sort -%}
        {%- do checksums.append(unique_id ~ '=' ~ graph.nodes[unique_id].checksum.checksum) -%}
    {%- endfor -%}
    {{- return(local_md5(checksums | join(','))) -}}
{%- endmacro %}

{% macro _collect_upstream_models(unique_id, collected) -%}
    {%- if unique_id not in collected and unique_id in graph.nodes -%}
        {%- do collected.append(unique_id) -%}
        {%- for parent in graph.nodes[unique_id].depends_on.nodes -%}
            {%- do _collect_upstream_models(parent, collected) -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
