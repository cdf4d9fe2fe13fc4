// The receivables dashboard: one GraphQL request with the caller's bearer token, drawn as tables and inline SVG.
// No third-party script: it works offline. Every figure is the API's own decimal string, except a customer's
// overdue total (outstanding − current), summed exactly in integer minor units.
"use strict";

const QUERY = `query Dashboard($asOf: String!) {
  aging(asOf: $asOf) { boundaries rows { customerCode currency outstanding current buckets }
                       totals { currency outstanding current buckets } }
  kpis(asOf: $asOf) { totals { currency receivables overdue dso averageDaysDelinquent cei } }
  kpiTrend(asOf: $asOf, months: 12) { asOf totals { currency dso } }
  cashForecast(asOf: $asOf, weeks: 13) { currency later weeks { week start end expected } }
  riskWatchlist(first: 10) { customerCode name currency liveAlerts exposure rules { rule alerts } }
  riskAlerts(status: "OPEN", first: 500) { alertId }
}`;

const $ = (selector) => document.querySelector(selector);
const SVG = "http://www.w3.org/2000/svg";
let latest = null;

function element(name, attributes, text) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function bars(container, labels, values, testid) {
  // A bar chart of decimal strings; each bar carries its exact figure as text and data-value.
  container.replaceChildren();
  const width = 640, height = 220, left = 40, bottom = 40, top = 16;
  const numbers = values.map(Number);
  const highest = Math.max(1, ...numbers);
  const step = (width - left) / Math.max(1, values.length);
  const svg = element("svg", {viewBox: `0 0 ${width} ${height}`, role: "img"});
  values.forEach((value, index) => {
    const barHeight = (numbers[index] / highest) * (height - bottom - top);
    const x = left + index * step + step * 0.15;
    const y = height - bottom - barHeight;
    svg.append(element("rect", {x, y, width: step * 0.7, height: Math.max(barHeight, 0), fill: "#3b6fd8",
                                "data-testid": testid, "data-label": labels[index], "data-value": value}));
    svg.append(element("text", {x: x + step * 0.35, y: y - 3, "text-anchor": "middle"}, value));
    svg.append(element("text", {x: x + step * 0.35, y: height - bottom + 14, "text-anchor": "middle"}, labels[index]));
  });
  container.append(svg);
}

function line(container, labels, values, testid) {
  container.replaceChildren();
  const width = 640, height = 200, left = 40, bottom = 40, top = 16;
  const numbers = values.map((value) => (value === null ? 0 : Number(value)));
  const highest = Math.max(1, ...numbers);
  const step = (width - left - 20) / Math.max(1, values.length - 1);
  const svg = element("svg", {viewBox: `0 0 ${width} ${height}`, role: "img"});
  const points = numbers.map((number, index) =>
    [left + index * step, height - bottom - (number / highest) * (height - bottom - top)]);
  svg.append(element("polyline", {points: points.map((p) => p.join(",")).join(" "), fill: "none",
                                  stroke: "#d8613b", "stroke-width": 2}));
  points.forEach(([x, y], index) => {
    svg.append(element("circle", {cx: x, cy: y, r: 3, fill: "#d8613b", "data-testid": testid,
                                  "data-label": labels[index], "data-value": values[index] ?? ""}));
    svg.append(element("text", {x, y: y - 6, "text-anchor": "middle"}, values[index] ?? "—"));
    svg.append(element("text", {x, y: height - bottom + 14, "text-anchor": "middle"}, labels[index].slice(2, 7)));
  });
  container.append(svg);
}

function minor(text) {
  // A decimal string as BigInt minor units and its places: exact sums, no floating point.
  const [whole, fraction = ""] = text.replace("-", "").split(".");
  const sign = text.startsWith("-") ? -1n : 1n;
  return [sign * BigInt(whole + fraction), fraction.length];
}

function decimal(units, places) {
  const sign = units < 0n ? "-" : "";
  const digits = (units < 0n ? -units : units).toString().padStart(places + 1, "0");
  return places ? `${sign}${digits.slice(0, -places)}.${digits.slice(-places)}` : `${sign}${digits}`;
}

function row(cells) {
  const tr = document.createElement("tr");
  cells.forEach(([text, numeric]) => {
    const td = document.createElement("td");
    td.textContent = text;
    if (numeric) td.className = "n";
    tr.append(td);
  });
  return tr;
}

function show(currency) {
  const data = latest;
  const forCurrency = (items) => items.find((item) => item.currency === currency);
  const kpi = forCurrency(data.kpis.totals) || {};
  $('[data-testid="receivables"]').textContent = kpi.receivables ? `${kpi.receivables} ${currency}` : "—";
  $('[data-testid="overdue"]').textContent = kpi.overdue ? `${kpi.overdue} ${currency}` : "—";
  $('[data-testid="dso"]').textContent = kpi.dso ?? "—";
  $('[data-testid="add"]').textContent = kpi.averageDaysDelinquent ?? "—";
  $('[data-testid="cei"]').textContent = kpi.cei ?? "—";
  $('[data-testid="alerts-count"]').textContent = data.riskAlerts.length >= 500 ? "500+" : String(data.riskAlerts.length);
  const aging = forCurrency(data.aging.totals);
  const edges = data.aging.boundaries;
  // due-date basis, as projections/aging.py bucket_labels: 1-30, 31-60, 61-90, 91+ (the last holds ages above 90)
  const labels = ["current", ...edges.map((high, i) => `${(i ? edges[i - 1] : 0) + 1}-${high}`), `${edges.at(-1) + 1}+`];
  bars($("#aging"), labels, aging ? [aging.current, ...aging.buckets] : labels.map(() => "0"), "aging-bar");
  line($("#dso-trend"), data.kpiTrend.map((point) => point.asOf),
       data.kpiTrend.map((point) => (forCurrency(point.totals) || {}).dso ?? null), "dso-point");
  const forecast = forCurrency(data.cashForecast);
  bars($("#forecast"), forecast ? forecast.weeks.map((week) => `W${week.week}`) : [],
       forecast ? forecast.weeks.map((week) => week.expected) : [], "forecast-bar");
  const overdue = data.aging.rows.filter((r) => r.currency === currency).map((r) => {
    const [total, places] = minor(r.outstanding);
    return {...r, overdueUnits: total - minor(r.current)[0], places};
  }).filter((r) => r.overdueUnits > 0n).sort((a, b) => (b.overdueUnits > a.overdueUnits ? 1 : -1)).slice(0, 10);
  $('[data-testid="top-overdue"] tbody').replaceChildren(...overdue.map((r) =>
    row([[r.customerCode], [decimal(r.overdueUnits, r.places), true], [r.outstanding, true]])));
  $('[data-testid="watchlist"] tbody').replaceChildren(...data.riskWatchlist.map((w) =>
    row([[`${w.customerCode} ${w.name}`], [w.rules.map((r) => `${r.rule} (${r.alerts})`).join(", ")],
         [`${w.exposure} ${w.currency}`, true]])));
}

async function load(event) {
  if (event) event.preventDefault();
  const token = $("#token").value.trim();
  const status = $("#status");
  if (!token) { status.textContent = "A bearer token is needed."; status.className = "error"; return; }
  sessionStorage.setItem("arledger-token", token);
  status.textContent = "Loading…"; status.className = "";
  try {
    const response = await fetch("/graphql", {method: "POST", headers: {"Content-Type": "application/json",
      "Authorization": `Bearer ${token}`}, body: JSON.stringify({query: QUERY, variables: {asOf: $("#asOf").value}})});
    const body = await response.json();
    if (body.errors) throw new Error(body.errors.map((e) => e.message).join("; "));
    latest = body.data;
    const currencies = latest.kpis.totals.map((t) => t.currency);
    const chosen = currencies.includes($("#currency").value) ? $("#currency").value : currencies[0];
    $("#currency").replaceChildren(...currencies.map((c) => new Option(c, c, c === chosen, c === chosen)));
    $("#panels").hidden = false;
    if (chosen) show(chosen);
    status.textContent = `As of ${$("#asOf").value}` + (chosen ? ` — ${chosen}` : " — nothing receivable");
    status.dataset.state = "ready";
  } catch (error) {
    status.textContent = `Could not load: ${error.message}`; status.className = "error";
    status.dataset.state = "error";
  }
}

function start() {
  const params = new URLSearchParams(location.hash.slice(1));  // #token=…&asOf=… never reaches the server
  if (location.hash) history.replaceState(null, "", location.pathname);  // and leaves neither address bar nor history
  $("#asOf").value = params.get("asOf") || new Date().toISOString().slice(0, 10);
  $("#token").value = params.get("token") || sessionStorage.getItem("arledger-token") || "";
  $("#controls").addEventListener("submit", load);
  $("#currency").addEventListener("change", () => latest && show($("#currency").value));
  if ($("#token").value) load();
}

start();
