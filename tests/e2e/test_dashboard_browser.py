"""The dashboard in a real headless browser (Debian's chromium): `arledger demo` serves it, the page asks GraphQL
with the token it was given, and the numbers it draws are the API's own — read back from the rendered DOM."""

import re
from html.parser import HTMLParser

import httpx

from tests.browser import dump_dom
from tests.e2e.test_server_process import _demo, graphql

AS_OF = "2026-10-31"


class Figures(HTMLParser):
    """data-testid -> text, and the data-value of chart marks by their data-testid, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.text: dict[str, str] = {}
        self.marks: dict[str, list[tuple[str, str]]] = {}
        self.rows: dict[str, list[list[str]]] = {}
        self._open: str | None = None
        self._table: str | None = None
        self._cells: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        testid = found.get("data-testid")
        if testid and "data-value" in found:
            self.marks.setdefault(testid, []).append((found.get("data-label", ""), found["data-value"]))
        elif testid and tag == "table":
            self._table = testid
        elif testid:
            self._open = testid
        if tag == "tr" and self._table:
            self._cells = []

    def handle_endtag(self, tag):
        if tag == "table":
            self._table = None
        if tag == "tr" and self._table and self._cells:
            self.rows.setdefault(self._table, []).append(self._cells)
            self._cells = None

    def handle_data(self, data):
        if self._open:
            self.text[self._open] = data.strip()
            self._open = None
        if self._cells is not None and data.strip():
            self._cells.append(data.strip())


def test_the_dashboard_draws_the_apis_numbers(tmp_path):
    demo = _demo(tmp_path, 25, {"ARLEDGER_RISK_WATCH": "off"})
    base, token = next(demo)
    try:
        page = httpx.get(f"{base}/dashboard", timeout=10)
        assert page.status_code == 200 and "Receivables at a glance" in page.text
        dom = dump_dom(f"{base}/dashboard#token={token}&asOf={AS_OF}", str(tmp_path / "profile"))
        expected = graphql(
            base,
            token,
            """{ kpis(asOf: "%s") { totals { currency receivables overdue dso cei } }
          aging(asOf: "%s") { totals { currency current buckets } rows { customerCode currency outstanding current } }
          cashForecast(asOf: "%s", weeks: 13) { currency weeks { expected } }
          kpiTrend(asOf: "%s", months: 12) { asOf totals { currency dso } }
          riskAlerts(status: "OPEN", first: 500) { alertId } }"""
            % (AS_OF, AS_OF, AS_OF, AS_OF),
        )["data"]
        unauthorized = dump_dom(f"{base}/dashboard#token=arl_wrong&asOf={AS_OF}", str(tmp_path / "profile2"))
    finally:
        demo.close()
    drawn = Figures()
    drawn.feed(dom)
    assert re.search(r'data-state="ready"', dom), dom[:3000]
    currency = expected["kpis"]["totals"][0]["currency"]  # the page shows the first currency
    kpi = expected["kpis"]["totals"][0]
    assert drawn.text["receivables"] == f"{kpi['receivables']} {currency}"
    assert drawn.text["overdue"] == f"{kpi['overdue']} {currency}"
    assert (drawn.text["dso"], drawn.text["cei"]) == (kpi["dso"], kpi["cei"] or "—")
    assert drawn.text["alerts-count"] == str(len(expected["riskAlerts"]))
    aging = next(t for t in expected["aging"]["totals"] if t["currency"] == currency)
    assert [value for _label, value in drawn.marks["aging-bar"]] == [aging["current"], *aging["buckets"]]
    forecast = next(f for f in expected["cashForecast"] if f["currency"] == currency)
    assert [value for _label, value in drawn.marks["forecast-bar"]] == [w["expected"] for w in forecast["weeks"]]
    trend = [
        (p["asOf"], next((t["dso"] for t in p["totals"] if t["currency"] == currency), ""))
        for p in expected["kpiTrend"]
    ]
    assert drawn.marks["dso-point"] == trend
    rows = [r for r in expected["aging"]["rows"] if r["currency"] == currency]
    top = drawn.rows["top-overdue"][1]  # the first body row: the customer owing most past due
    worst = max(rows, key=lambda r: float(r["outstanding"]) - float(r["current"]))
    assert top[0] == worst["customerCode"] and top[2] == worst["outstanding"]
    assert 'class="error"' in unauthorized and "Could not load" in unauthorized


def test_graphiql_draws_its_editor_in_a_real_browser(tmp_path):
    demo = _demo(tmp_path, 5, {"ARLEDGER_RISK_WATCH": "off"})
    base, _token = next(demo)
    try:
        dom = dump_dom(f"{base}/graphql", str(tmp_path / "profile"))
    finally:
        demo.close()
    assert "graphiql-editors" in dom and "graphiql-execute-button" in dom, dom[:2000]
