"""The dashboard's charts as Vega-Lite specs, drawn with Altair from the figures' rows."""

from datetime import date, datetime

import altair as alt

from dagster_project.serve.dashboard.figures import (
    AUTHORS_WINDOW_DAYS,
    DAILY_WINDOW_DAYS,
    LISTED,
    PUBLISHED,
    RISING_WINDOW_DAYS,
    Figures,
)

WIDE, NARROW = 860, 400
DATED_BY = alt.Color("dated_by:N", title="dated by",
                     scale=alt.Scale(domain=[LISTED, PUBLISHED], range=["#4c78a8", "#f58518"]))


def chart_specs(figures: Figures) -> dict[str, dict | str]:
    """Chart id → a Vega-Lite spec, or a sentence saying why there is nothing to draw."""
    window = f"the last {{}} days of the data (to {figures.last_day})"
    return {
        "per_month": _or_note(figures.per_month, lambda rows: _dated_bars(
            rows, "month", "yearmonth", "Papers per month", WIDE)),
        "per_day": _or_note(figures.per_day, lambda rows: _dated_bars(
            rows, "day", "yearmonthdate",
            f"Papers per day, {window.format(DAILY_WINDOW_DAYS)}", WIDE)),
        "top_7": _or_note(figures.top_papers.get(7), lambda rows: _ranked(
            rows, "title", "upvotes", f"Top papers by upvotes, {window.format(7)}"),
            "no paper of the last 7 days shows a vote count"),
        "top_30": _or_note(figures.top_papers.get(30), lambda rows: _ranked(
            rows, "title", "upvotes", f"Top papers by upvotes, {window.format(30)}"),
            "no paper of the last 30 days shows a vote count"),
        "trajectories": _or_note(figures.trajectories, _trajectories,
                                 "no vote history for the top papers"),
        "authors": _or_note(figures.authors, lambda rows: _ranked(
            rows, "author_name", "papers",
            f"Most prolific authors, {window.format(AUTHORS_WINDOW_DAYS)}"),
            "no named authors in the period"),
        "keywords": _or_note(figures.rising_keywords, lambda rows: _terms(
            rows, "AI keywords"), "no paper has AI keywords"),
        "categories": _or_note(figures.rising_categories, lambda rows: _terms(
            rows, "arXiv categories"), "no paper has arXiv categories"),
        "rejects": _or_note(figures.rejects_by_reason, lambda rows: _ranked(
            rows, "reason", "rejects", "Rejects by reason"), "no rejects"),
    }


def _or_note(rows: list[dict] | None, draw, empty: str = "no dated papers yet"):
    return draw(rows) if rows else empty


def _dated_bars(rows: list[dict], field: str, unit: str, title: str, width: int) -> dict:
    # Dates are calendar days: grouped in UTC, or a viewer west of Greenwich would see each
    # month's papers under the month before. A time axis: empty months show as gaps.
    unit = f"utc{unit}"
    chart = alt.Chart(_data(rows), title=title, width=width, height=220).mark_bar().encode(
        x=alt.X(f"{unit}({field}):T", title=None, scale=alt.Scale(type="utc")),
        y=alt.Y("sum(papers):Q", title="papers"),
        color=DATED_BY,
        tooltip=[alt.Tooltip(f"{unit}({field}):T", title=field), "dated_by:N",
                 alt.Tooltip("sum(papers):Q", title="papers")],
    )
    return chart.to_dict()


def _ranked(rows: list[dict], label: str, value: str, title: str) -> dict:
    chart = alt.Chart(_data(rows), title=title, width=NARROW).mark_bar().encode(
        x=alt.X(f"{value}:Q", title=value, axis=alt.Axis(format="d", tickMinStep=1)),
        y=alt.Y(f"{label}:N", title=None, sort="-x", axis=alt.Axis(labelLimit=320)),
        tooltip=[f"{label}:N", f"{value}:Q"],
    )
    return chart.to_dict()


def _trajectories(rows: list[dict]) -> dict:
    chart = alt.Chart(_data(rows), title="Upvotes over time, top papers of the last 30 days",
                      width=WIDE, height=260).mark_line(point=True).encode(
        x=alt.X("scraped_at:T", title="scraped at"),
        y=alt.Y("upvotes:Q", title="upvotes"),
        color=alt.Color("title:N", title=None, legend=alt.Legend(labelLimit=360)),
        tooltip=["title:N", "scraped_at:T", "upvotes:Q"],
    )
    return chart.to_dict()


def _terms(rows: list[dict], terms: str) -> dict:
    """Rising terms; when none rose in the last window (an old snapshot, a quiet month), the
    most frequent ones of all time, and the title says so."""
    if rows[0]["rise"] is None:
        title, value, axis_title = f"Most frequent {terms} (none rose lately)", "papers", "papers"
    else:
        title = (f"Rising {terms}: papers in the last {RISING_WINDOW_DAYS} days minus the "
                 f"{RISING_WINDOW_DAYS} before")
        value, axis_title = "rise", "more papers than before"
    chart = alt.Chart(_data(rows), width=NARROW, title=title).mark_bar().encode(
        x=alt.X(f"{value}:Q", title=axis_title, axis=alt.Axis(format="d", tickMinStep=1)),
        y=alt.Y("term:N", title=None, sort="-x"),
        tooltip=["term:N", "recent:Q", "before:Q", "papers:Q"],
    )
    return chart.to_dict()


def _data(rows: list[dict]) -> alt.Data:
    """Rows as inline values; dates as ISO text (what Vega parses)."""
    return alt.Data(values=[{key: _plain(value) for key, value in row.items()}
                            for row in rows])


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, date | datetime) else value
