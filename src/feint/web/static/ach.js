// feint's ACH page: a rating changed in the matrix is saved at once through the
// JSON API, and the ranking, scores and judgements are redrawn from its answer.
// Without script the same matrix is a form with a "Save ratings" button.
"use strict";

function pct(p) {
  return p === null || p === undefined ? "—" : Math.round(100 * p) + "%";
}

function short(id) {
  const parts = id.split(":");
  return parts[parts.length - 1];
}

function setText(parent, selector, text) {
  const el = parent.querySelector(selector);
  if (el) el.textContent = text;
}

function redraw(state) {
  const tbody = document.querySelector("#ranking tbody");
  const rows = new Map();
  tbody.querySelectorAll("tr").forEach((tr) => rows.set(tr.dataset.hypothesis, tr));
  for (const h of state.hypotheses) {
    const tr = rows.get(h.id);
    if (!tr) continue;
    setText(tr, ".rank", String(h.rank));
    setText(tr, ".score", h.score.toFixed(2));
    setText(tr, ".probability", pct(h.probability));
    tbody.appendChild(tr); // hypotheses arrive in rank order
  }
  for (const e of state.evidence) {
    const row = document.getElementById("ev-" + e.id);
    if (row) setText(row, ".diagnosticity", String(e.diagnosticity));
  }
  document.querySelectorAll("#matrix select").forEach((sel) => {
    const cell = (state.ratings[sel.dataset.hypothesis] || {})[sel.dataset.evidence];
    const value = cell ? cell.rating : "NA";
    sel.value = value;
    sel.dataset.saved = value;
    sel.parentElement.className = "rating rating-" + value;
  });
  const judgements = document.getElementById("judgements");
  judgements.replaceChildren();
  for (const j of state.judgements) {
    const p = document.createElement("p");
    p.className = "bluf";
    p.textContent = j.text;
    const c = document.createElement("p");
    c.className = "confidence-text";
    c.textContent = j.confidence_text;
    const rests = document.createElement("p");
    rests.className = "rests-on";
    rests.append("Rests on evidence: ");
    j.evidence.forEach((e, i) => {
      const a = document.createElement("a");
      a.href = "#ev-" + e.id;
      a.title = e.id;
      a.textContent = e.label; // the row in words; its id in the tooltip
      if (i > 0) rests.append("; ");
      rests.append(a);
    });
    judgements.append(p, c, rests);
  }
}

async function save(sel) {
  const form = document.getElementById("matrix-form");
  const status = document.getElementById("status");
  status.textContent = "Saving…";
  let body;
  let ok = false;
  try {
    const response = await fetch("/api/ach/ratings", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({
        question: form.dataset.question,
        hypothesis_id: sel.dataset.hypothesis,
        evidence_id: sel.dataset.evidence,
        rating: sel.value,
      }),
    });
    body = await response.json();
    ok = response.ok;
  } catch (err) {
    body = { error: { message: "the server did not answer (" + err + ")" } };
  }
  if (!ok) {
    sel.value = sel.dataset.saved; // show what the store holds, not the unsaved choice
    status.textContent = "Not saved: " + body.error.message;
    return;
  }
  redraw(body);
  const lead = body.hypotheses[0];
  const row = body.evidence.find((e) => e.id === sel.dataset.evidence);
  status.textContent =
    "Saved " + (row ? row.label : short(sel.dataset.evidence)) + " against " +
    short(sel.dataset.hypothesis) + " as " + sel.value + ". " + short(lead.id) + " leads.";
}

// Saves go one at a time, in order, so that an older answer never redraws over a newer one.
let queue = Promise.resolve();

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("#matrix select").forEach((sel) => {
    sel.dataset.saved = sel.value;
    sel.addEventListener("change", () => {
      queue = queue.then(() => save(sel));
    });
  });
});
