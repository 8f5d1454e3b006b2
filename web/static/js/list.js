// The partnership list: each partnership with its headline numbers, and the create form.

import { ApiError, api, el, errorText, fmt, replace, status } from "./lib.js";

const list = document.getElementById("partnership-list");
const ROLE_TEXT = { owner: "You are an owner", editor: "You are an editor", viewer: "You can view it" };
const statusLine = document.getElementById("list-status");

function number(term, value, id) {
  return el("div", {}, el("dt", {}, term), el("dd", { dataset: { metric: id } }, value));
}

async function headline(p, box) {
  try {
    const [s, g] = await Promise.all([
      api(`/partnerships/${p.id}/analysis/summary`),
      api(`/partnerships/${p.id}/analysis/gaps`),
    ]);
    const reach = s.reach || {};
    const high = (g.gaps || []).filter((x) => x.severity === "high").length;
    replace(
      box,
      number("Stakeholders", fmt.int(reach.N), "stakeholders"),
      number("Within 2 steps", fmt.pct(reach.coverage_2), "coverage_2"),
      number("Urgent gaps", fmt.int(high), "high_gaps"),
    );
  } catch (error) {
    replace(box, el("p", { class: "muted" }, `Headline numbers are not available: ${errorText(error)}`));
  }
}

function card(p) {
  const base = `/partnerships/${p.id}`;
  const numbers = el("dl", { class: "headline" }, el("div", {}, el("dt", {}, "Loading"), el("dd", {}, "…")));
  const item = el(
    "li",
    { class: "pcard", dataset: { pid: p.id } },
    el("h2", {}, el("a", { href: base }, p.name)),
    p.description ? el("p", { class: "desc" }, p.description) : null,
    numbers,
    el(
      "p",
      { class: "links" },
      el("a", { href: base }, "Map"),
      el("a", { href: `${base}/gaps` }, "Gaps"),
      el("a", { href: `${base}/reach` }, "Reach"),
      el("a", { href: `${base}/report` }, "Board report"),
      el("span", { class: "muted" }, ROLE_TEXT[p.role] || "You are a site admin"),
    ),
  );
  headline(p, numbers);
  return item;
}

async function load() {
  try {
    const body = await api("/partnerships?limit=500");
    replace(list, ...body.data.map(card));
    if (!body.data.length) {
      status(statusLine, "You have no partnerships yet. Create one below, or ask a partnership's owner to add you. (An administrator can load a demo with `stakemap demo`.)", "info");
    } else {
      status(statusLine, "", "info");
    }
  } catch (error) {
    status(statusLine, `Your partnerships could not be loaded: ${errorText(error)}`, "error");
  }
}

const form = document.getElementById("create-form");
form.addEventListener("submit", async (e) => {
  e.preventDefault();
  for (const p of form.querySelectorAll(".field-error, .form-error")) {
    p.hidden = true;
    p.textContent = "";
  }
  const name = form.elements.name.value.trim();
  const description = form.elements.description.value;
  const show = (field, message) => {
    const p = document.getElementById(`create-${field}-error`) || document.getElementById("create-error");
    p.textContent = message;
    p.hidden = false;
    const input = form.elements[field];
    if (input) {
      input.setAttribute("aria-invalid", "true");
      input.focus();
    }
  };
  if (!name) {
    show("name", "Give the partnership a name.");
    return;
  }
  try {
    const p = await api("/partnerships", { method: "POST", body: { name, description } });
    location.assign(`/partnerships/${p.id}`);
  } catch (error) {
    if (error instanceof ApiError && Array.isArray(error.detail)) {
      for (const d of error.detail) show(String((d.loc || []).filter((x) => x !== "body")[0] || "error"), d.msg);
    } else {
      show("error", errorText(error));
    }
  }
});

load();
