// The groundrail review page. Every piece of text from an answer, a document or a record is
// put into the page with textContent or as a text node: nothing from data is ever parsed as HTML.
"use strict";

const MARKS = { supported: "✓", unsupported: "?", contradicted: "✗", skipped: "–" };
const KEY = "groundrail.key";
let older = null; // the next page's cursor
let standing = ""; // a notice that holds on every view (no audit stream to read)

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (name === "class") node.className = value;
    else if (name.startsWith("data-")) node.setAttribute(name, value);
    else node[name] = value;
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

function notice(text) {
  document.getElementById("notice").textContent = text || "";
}

async function api(path, options) {
  const headers = Object.assign({}, (options && options.headers) || {});
  const key = sessionStorage.getItem(KEY);
  if (key) headers.Authorization = "Bearer " + key;
  const response = await fetch(path, Object.assign({}, options, { headers }));
  if (response.status === 401) {
    document.getElementById("key-form").hidden = false;
    throw new Error("a gateway key is needed");
  }
  if (!response.ok) {
    let message = response.status + " " + response.statusText;
    try {
      message = (await response.json()).error.message;
    } catch (_) {
      // not a JSON error body: the status says it
    }
    throw new Error(message);
  }
  return response;
}

async function getJSON(path) {
  return (await api(path)).json();
}

async function postJSON(path, body) {
  const response = await api(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  return response.json();
}

function time(ts) {
  return ts ? new Date(ts * 1000).toISOString().replace("T", " ").slice(0, 19) : "";
}

function fixed(value) {
  return typeof value === "number" ? value.toFixed(2) : "–";
}

// ---- the list ------------------------------------------------------------------------------

function filterQuery() {
  const query = new URLSearchParams();
  for (const name of ["verdict", "policy", "model", "tenant"]) {
    const value = document.getElementById("f-" + name).value.trim();
    if (value) query.set(name, value);
  }
  return query;
}

async function showRequests(append) {
  const query = filterQuery();
  if (append && older) query.set("before", older);
  const page = await getJSON("/ui/api/requests?" + query.toString());
  const body = document.querySelector("#requests tbody");
  if (!append) body.replaceChildren();
  for (const row of page.data) {
    const link = el("a", { href: "#/request/" + row.id }, time(row.ts));
    body.append(
      el(
        "tr",
        { class: "verdict-" + row.verdict, "data-id": row.id },
        el("td", {}, link),
        el("td", {}, row.tenant || "–"),
        el("td", {}, row.policy || ""),
        el("td", {}, row.model || ""),
        el("td", { class: "verdict" }, row.verdict || ""),
        el("td", { class: "number" }, fixed(row.support)),
      ),
    );
  }
  if (!append && page.data.length === 0) {
    body.append(el("tr", {}, el("td", { colSpan: 6 }, "No guarded requests match.")));
  }
  older = page.next;
  document.getElementById("older").hidden = !older;
}

// ---- one answer, highlighted ---------------------------------------------------------------

// Where each claim sits in `text`: its offsets when they still point at it, else its text found
// after the previous claim; a claim found nowhere is listed but not highlighted.
function locate(text, items) {
  const placed = [];
  let cursor = 0;
  const ordered = items.slice().sort((a, b) => a.start - b.start);
  for (const item of ordered) {
    let start = item.start;
    if (text.slice(item.start, item.end) !== item.text) start = text.indexOf(item.text, cursor);
    if (start < cursor) continue;
    placed.push(Object.assign({}, item, { start, end: start + item.text.length }));
    cursor = start + item.text.length;
  }
  return placed;
}

function highlighted(text, claims, skipped, onChoose) {
  const items = claims
    .map((c, index) => Object.assign({ index }, c))
    .concat(skipped.map((s) => Object.assign({ label: "skipped" }, s)));
  const box = el("div", { class: "answer" });
  let cursor = 0;
  for (const item of locate(text, items)) {
    box.append(document.createTextNode(text.slice(cursor, item.start)));
    const title = item.label === "skipped" ? "skipped: " + item.reason : item.label;
    // an inline span (a button would not wrap with the text), made a button for keyboards too
    const mark = el(
      "span",
      { class: "claim " + item.label, title },
      el("span", { class: "mark" }, MARKS[item.label]),
      text.slice(item.start, item.end),
      el("span", { class: "tag" }, item.label),
    );
    if (item.label !== "skipped") {
      mark.setAttribute("role", "button");
      mark.tabIndex = 0;
      mark.setAttribute("data-claim", String(item.index));
      mark.addEventListener("click", () => onChoose(item.index));
      mark.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          onChoose(item.index);
        }
      });
    }
    box.append(mark);
    cursor = item.end;
  }
  box.append(document.createTextNode(text.slice(cursor)));
  return box;
}

function evidencePanel(claim) {
  const panel = el("div", { class: "evidence" });
  panel.append(
    el("h3", {}, "Claim: " + claim.label),
    el("blockquote", {}, claim.text),
    el(
      "dl",
      { class: "meta" },
      el("dt", {}, "support"),
      el("dd", {}, fixed(claim.score)),
      el("dt", {}, claim.label === "supported" ? "strongest signal against" :
        "signal that drove it"),
      el("dd", { class: "driver" }, claim.driver || "–"),
      el("dt", {}, "entailment / contradiction"),
      el("dd", {}, fixed(claim.entailment) + " / " + fixed(claim.contradiction)),
    ),
  );
  const signals = el("table", { class: "signals" });
  for (const [name, value] of Object.entries(claim.signals || {})) {
    signals.append(el("tr", {}, el("th", {}, name), el("td", { class: "number" }, fixed(value))));
  }
  panel.append(signals);
  if (claim.evidence) {
    panel.append(
      el("h4", {}, "Best evidence: document " + claim.evidence.doc_id),
      el("blockquote", { class: "window" }, claim.evidence.text),
    );
  } else {
    panel.append(el("p", {}, "No evidence window recorded."));
  }
  return panel;
}

function correctionForm(requestId, claims, index) {
  const note = el("input", { placeholder: "note (optional)", class: "note" });
  const status = el("p", { class: "status", role: "status" });
  const send = async (label) => {
    const labels = claims.map((c, i) =>
      i === index ? label : c.label === "supported" ? "grounded" : "hallucinated",
    );
    const body = {
      request_id: requestId,
      label: labels.every((l) => l === "grounded") ? "grounded" : "hallucinated",
      claims: [{ index, label }],
    };
    if (note.value.trim()) body.comment = note.value.trim();
    try {
      const result = await postJSON("/v1/feedback", body);
      status.textContent =
        "Correction saved (" + result.corrected_claims + " claim corrected); " +
        "a repeat of this request gets the corrected verdict.";
    } catch (error) {
      status.textContent = "Not saved: " + error.message;
    }
  };
  return el(
    "div",
    { class: "correct" },
    el("h4", {}, "Correct this claim"),
    el("button", { type: "button", class: "mark-supported", onclick: () => send("grounded") },
      "✓ Mark supported"),
    el("button", { type: "button", class: "mark-unsupported",
      onclick: () => send("hallucinated") }, "? Mark unsupported"),
    note,
    status,
  );
}

// The judged answer with each finding's spans marked and named (overlaps: the first wins).
function findingsView(findings, text) {
  const spans = findings
    .flatMap((f) => (f.spans || []).map(([start, end]) => ({ start, end, rule: f.rule })))
    .sort((a, b) => a.start - b.start);
  const box = el("div", { class: "answer" });
  let cursor = 0;
  for (const span of spans) {
    if (span.start < cursor || span.end > text.length) continue;
    box.append(
      document.createTextNode(text.slice(cursor, span.start)),
      el("mark", { class: "finding", title: span.rule }, el("span", { class: "mark" }, "⚑"),
        text.slice(span.start, span.end), el("span", { class: "tag" }, span.rule)),
    );
    cursor = span.end;
  }
  box.append(document.createTextNode(text.slice(cursor)));
  return box;
}

function findingsList(findings, text) {
  const list = el("ul", { class: "findings" });
  for (const f of findings) {
    const spans = (f.spans || []).map(([s, e]) => "“" + text.slice(s, e) + "”").join(", ");
    list.append(
      el(
        "li",
        {},
        el("strong", {}, f.rule + " (" + f.kind + ", " + f.action + ")"),
        " " + f.message,
        spans ? el("div", { class: "span" }, "on " + spans) : null,
      ),
    );
  }
  return list;
}

// The view of one grounding result: used for an audited request and for "Try it".
function groundingView(text, grounding, requestId) {
  const claims = (grounding && grounding.claims) || [];
  const skipped = (grounding && grounding.skipped) || [];
  const side = el("div", { class: "side" }, el("p", {}, "Choose a claim to see its evidence."));
  const choose = (index) => {
    for (const b of answer.querySelectorAll(".claim.chosen")) b.classList.remove("chosen");
    const button = answer.querySelector('[data-claim="' + index + '"]');
    if (button) button.classList.add("chosen");
    side.replaceChildren(evidencePanel(claims[index]));
    if (requestId) side.append(correctionForm(requestId, claims, index));
  };
  const answer = highlighted(text, claims, skipped, choose);
  const summary = grounding
    ? "grounding: " + grounding.verdict + " (" + grounding.reason + "), support " +
      fixed(grounding.support)
    : "no grounding result";
  return { answer, side, summary };
}

async function showRequest(id) {
  const { row, record } = await getJSON("/ui/api/requests/" + encodeURIComponent(id));
  const verdict = record.groundrail || {};
  document.getElementById("request-title").textContent =
    "Request " + (row.request_id || row.id) + ": " + row.verdict;
  const meta = document.getElementById("request-meta");
  meta.replaceChildren();
  for (const [name, value] of [
    ["time", time(row.ts)],
    ["tenant", row.tenant || "–"],
    ["policy", row.policy],
    ["model", row.model],
    ["verdict", row.verdict],
    ["support", fixed(row.support)],
    ["question", record.question || "–"],
  ]) {
    meta.append(el("dt", {}, name), el("dd", { class: "meta-" + name }, String(value || "")));
  }
  const judged = record.original_answer || record.answer || "";
  const view = groundingView(judged, verdict.grounding, row.request_id);
  const columns = el("div", { class: "columns" });
  const original = el(
    "div",
    { class: "column" },
    el("h3", {}, record.original_answer ? "Original answer" : "Answer"),
    el("p", { class: "summary" }, view.summary),
    document.getElementById("legend-template").content.cloneNode(true),
    view.answer,
  );
  columns.append(original);
  if (record.original_answer && record.original_answer !== record.answer) {
    columns.append(
      el("div", { class: "column" }, el("h3", {}, "Rewritten answer"),
        el("div", { class: "answer rewritten" }, record.answer || "")),
    );
  }
  const others = (verdict.findings || []).filter((f) => f.kind !== "grounding");
  const body = document.getElementById("request-body");
  body.replaceChildren(columns, view.side);
  if (others.length) {
    body.append(el("h3", {}, "Other rules' findings"), findingsView(others, judged),
      findingsList(others, judged));
  }
  const context = el("details", {}, el("summary", {}, "Context (" + (record.context || []).length +
    " documents)"));
  for (const doc of record.context || []) {
    context.append(el("h4", {}, doc.id), el("pre", { class: "document" }, doc.text));
  }
  body.append(context);
}

// ---- try it ----------------------------------------------------------------------------------

async function tryIt(event) {
  event.preventDefault();
  const context = document.getElementById("try-context").value
    .split(/\n-{3,}\n/).map((d) => d.trim()).filter(Boolean);
  const answer = document.getElementById("try-answer").value;
  const question = document.getElementById("try-question").value.trim();
  const body = { context, answer };
  if (question) body.question = question;
  const out = document.getElementById("try-result");
  try {
    const grounding = await postJSON("/v1/groundrail/check", body);
    const view = groundingView(answer, grounding, null);
    out.replaceChildren(
      el("p", { class: "summary" }, view.summary),
      document.getElementById("legend-template").content.cloneNode(true),
      view.answer,
      view.side,
    );
  } catch (error) {
    out.replaceChildren(el("p", { class: "error" }, "Check failed: " + error.message));
  }
}

// ---- charts and feedback -------------------------------------------------------------------

async function showCharts() {
  for (const [id, path] of [
    ["chart-verdicts", "/ui/api/charts/verdicts.svg"],
    ["chart-support", "/ui/api/charts/support.svg"],
  ]) {
    const blob = await (await api(path)).blob();
    const img = document.getElementById(id);
    if (img.src) URL.revokeObjectURL(img.src);
    img.src = URL.createObjectURL(blob);
  }
  const stats = await getJSON("/v1/feedback/stats");
  const body = document.querySelector("#feedback-stats tbody");
  body.replaceChildren();
  for (const [policy, rules] of Object.entries(stats.policies)) {
    for (const [rule, counts] of Object.entries(rules)) {
      body.append(el("tr", {}, el("td", {}, policy), el("td", {}, rule),
        el("td", { class: "number" }, String(counts.confirmed)),
        el("td", { class: "number" }, String(counts.overturned))));
    }
  }
  if (!body.children.length) body.append(el("tr", {}, el("td", { colSpan: 4 }, "No feedback yet.")));
}

// ---- routing -------------------------------------------------------------------------------

async function route() {
  const hash = location.hash || "#/requests";
  const [, view, arg] = hash.split("/");
  for (const section of document.querySelectorAll("main > section")) section.hidden = true;
  const name = { requests: "requests", request: "request", try: "try", charts: "charts" }[view];
  document.getElementById("view-" + (name || "requests")).hidden = false;
  notice(standing);
  try {
    if (name === "request") await showRequest(decodeURIComponent(arg || ""));
    else if (name === "charts") await showCharts();
    else if (name !== "try") await showRequests(false);
  } catch (error) {
    notice(error.message);
  }
  document.body.setAttribute("data-ready", hash);
}

async function start() {
  try {
    const session = await getJSON("/ui/api/session");
    if (!session.audit) {
      standing = "The audit log goes to '" + session.sink + "': the list needs " +
        "`audit.sink: redis` (an in-process buffer when no Redis is configured).";
    }
  } catch (error) {
    notice(error.message);
  }
  document.getElementById("key-form").addEventListener("submit", (event) => {
    event.preventDefault();
    sessionStorage.setItem(KEY, document.getElementById("key-input").value.trim());
    document.getElementById("key-form").hidden = true;
    route();
  });
  document.getElementById("filters").addEventListener("submit", (event) => {
    event.preventDefault();
    if (location.hash !== "#/requests") location.hash = "#/requests";
    else route();
  });
  document.getElementById("older").addEventListener("click", () => {
    showRequests(true).catch((error) => notice(error.message));
  });
  document.getElementById("try-form").addEventListener("submit", tryIt);
  window.addEventListener("hashchange", route);
  await route();
}

document.addEventListener("DOMContentLoaded", start);
