"""The DAG pane: laid out in a worker, drawn level with the index rows."""

from __future__ import annotations

from explorer.tui.app import ExplorerApp
from explorer.tui.headless import settle
from explorer.tui.widgets.dag import DagView
from explorer.views.dag_layout import draw
from tests.tui.conftest import press, run, wheel


def test_lines_match_the_layout_and_follow_the_index(repo):
    async def test(pilot):
        app = pilot.app
        dag = app.query_one(DagView)
        assert dag.layout_ is not None and dag.layout_.done
        await press(pilot, "end")
        top = app.index.first_visible
        assert dag.top == top and dag.cursor == app.index.cursor
        row = dag.layout_.rows(top, top + 1)[0]
        line = dag.render_line(1).text
        assert line.strip() == draw(row, "unicode", current=row.rev == dag.cursor).strip()
        await press(pilot, "u")
        assert dag.render_line(1).text.strip() == draw(row, "ascii").strip()
        dag.focus()
        await press(pilot, "up")  # the DAG's keys move the shared cursor
        assert app.index.cursor == len(app.view) - 2

    run(ExplorerApp(repo), test)


def test_the_wheel_and_clicks_over_the_graph_go_to_the_index():
    async def test(pilot):
        app = pilot.app
        dag, index = app.query_one(DagView), app.index
        await wheel(pilot, dag, 3)
        assert index.first_visible > 0 and dag.top == index.first_visible
        top = dag.top
        await pilot.click(dag, offset=(3, 4))  # border, title, then rows from line 2
        await settle(pilot)
        assert index.cursor == dag.cursor == top + 2
        await pilot.click(dag, offset=(3, 1))  # the title selects nothing
        await settle(pilot)
        assert index.cursor == top + 2

    run(ExplorerApp(), test)


def test_lines_kept_from_frame_to_frame_follow_scrolls_the_cursor_and_the_theme(repo):
    """Drawn lines are kept by revision: after scrolling a row at a time, moving the
    cursor and changing the theme, every line is what drawing it afresh gives."""
    async def test(pilot):
        app = pilot.app
        dag = app.query_one(DagView)

        def fresh(y: int):
            rev = dag.top + y - 1
            row = dag.layout_.rows(rev, rev + 1)[0]
            return list(dag._draw_row(row, rev == dag.cursor, dag.size.width))

        def check() -> None:
            for y in range(1, min(dag.size.height, len(app.view) - dag.top + 1)):
                assert list(dag.render_line(y)) == fresh(y), y

        page = app.index.page_rows
        await press(pilot, *["down"] * (page + 2))  # the last ones scroll a row each
        assert dag.top == 3
        check()
        await press(pilot, "up", "up")
        check()
        app.theme = "textual-light" if app.theme != "textual-light" else "nord"
        await settle(pilot)
        check()
        await press(pilot, "u")
        check()

    run(ExplorerApp(repo), test)
