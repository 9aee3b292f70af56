"""The fast multiple select of list filters: same HTML as Django's, values escaped."""

from crm.widgets import FastSelectMultiple


def test_options_are_escaped_and_selected_ones_marked():
    """Hostile input: an option label and value carrying HTML and quotes."""
    widget = FastSelectMultiple(choices=[("1", "Ann"), ('2"><script>', "<b>Bob</b> & co")])
    html = widget.render("responsible", ["1"], attrs={"id": "id_responsible"})
    assert '<option value="1" selected>Ann</option>' in html
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;b&gt;Bob&lt;/b&gt; &amp; co" in html and "2&quot;&gt;&lt;script&gt;" in html
    assert html.startswith('<select multiple id="id_responsible" name="responsible">')
