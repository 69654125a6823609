"""Escaping: data text is inert wherever it lands."""

from __future__ import annotations

import json

import markdown

from generator.render import md, page_folder, rel, script_json

HOSTILE = "<script>alert(1)</script> | [link](http://evil) {{ x }} *bold* # & \\ ` </script>"


def test_md_filter_renders_literally_through_python_markdown():
    html = markdown.markdown(f"# {md(HOSTILE)}", extensions=["tables"])
    assert "<script>" not in html and "<a " not in html and "<em>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "[link](http://evil)" in html and "{{ x }}" in html and "*bold*" in html


def test_script_json_cannot_close_the_script_tag_and_round_trips():
    text = str(script_json({"t": HOSTILE, "n": [1, 2.5]}))
    assert "</" not in text and "<" not in text and "&" not in text
    assert json.loads(text) == {"t": HOSTILE, "n": [1, 2.5]}


def test_relative_links_between_pages():
    assert rel("", "boroughs/camden/") == "boroughs/camden/"
    assert rel("boroughs/camden/", "data/boroughs/") == "../../data/boroughs/"
    assert rel("quality/", "data/finance-2017-18/") == "../data/finance-2017-18/"
    assert page_folder("boroughs/camden.md") == "boroughs/camden/" and page_folder("index.md") == ""
    assert page_folder("data/index.md") == "data/"


def test_a_bibtex_field_holds_any_title_without_ending_early():
    from generator.render import bibtex

    entry = bibtex("id", "A } title \\ with % & $ # _ ^ ~", "Publisher", "https://x.org/#a_b", "Note.", "2026-03-31")
    title = entry.split("title = ", 1)[1].split(",\n", 1)[0]
    depth = 0
    for i, ch in enumerate(title):  # the field's braces balance only at its end: nothing from data closes it
        if ch == "{" and (i == 0 or title[i - 1] != "\\"):
            depth += 1
        elif ch == "}" and title[i - 1] != "\\":
            depth -= 1
            assert depth > 0 or i == len(title) - 1
    assert depth == 0


def test_every_page_gets_a_description_of_its_own_heading_and_lead():
    from generator.render import with_description

    page = '# Abbey, Barking and Dagenham\n\n<div class="now">\n<p class="now-lead"><strong>1,234</strong> offences</p>'
    out = with_description(page)
    assert out.startswith('---\ndescription: "Abbey, Barking and Dagenham: 1,234 offences"\n---\n')
    assert with_description("---\njsonld: {}\n---\n# T\n").startswith('---\ndescription: "T"\njsonld: {}\n---\n')


def test_a_chart_data_table_shows_each_number_as_its_csv_does():
    import csv
    import io
    import re

    import pandas as pd

    from generator.formats import csv_bytes
    from generator.render import table_body

    frame = pd.DataFrame(
        {
            "rate": [13.247606938080272, float("nan"), 2.0],
            "count": pd.array([1, None, 3], dtype="Int64"),
            "area": ["<b>Camden</b>", "Brent", "=1+1"],
        }
    )
    cells = [re.findall(r"<td>(.*?)</td>", row) for row in str(table_body(frame)).splitlines()]
    rows = list(csv.reader(io.StringIO(csv_bytes(frame).decode())))[1:]
    assert [r[:2] for r in cells] == [r[:2] for r in rows] == [["13.25", "1"], ["", ""], ["2.0", "3"]]
    assert cells[0][2] == "&lt;b&gt;Camden&lt;/b&gt;"  # text is escaped for HTML, not neutralised for a spreadsheet
