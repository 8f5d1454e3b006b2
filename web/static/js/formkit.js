// What every editing form on the map shares: errors beside the field they name, reading a form's
// values, the revision check (If-Match → 412 → "someone else changed this; reload"), a
// confirmation before deleting, and choosing stakeholders by name.

import { ApiError, el, errorText, replace } from "./lib.js";
import { displayName } from "./graphmodel.js";
import { focusAfterRedraw } from "./panel.js";

const $ = (id) => document.getElementById(id);

/** Thrown after the user has been told that a record moved on (412) or went away (404). */
export class Stale extends Error {}

// -- not overwriting someone else -------------------------------------------------------------

const STALE_TEXT = {
  changed: "Someone else changed this since you opened it, so your change was not saved. Reload to see the latest version, then make your change again.",
  deleted: "Someone else changed this since you opened it, so it was not deleted. Reload to see the latest version, then decide again.",
  gone: "Someone else has deleted this in the meantime, so there is nothing left to change. Reload to see the latest version.",
};

/** The banner above the map telling the user their write was refused, with a reload button. */
export function staleBanner(why = "changed", selected = null) {
  let banner = $("stale-banner");
  if (!banner) {
    banner = el("div", { id: "stale-banner", class: "alert warn banner", role: "alert" });
    document.querySelector(".map-layout").before(banner);
  }
  const reload = () => {
    // Keep the stakeholder the user was looking at selected after the reload.
    const url = new URL(location.href);
    if (selected !== null && selected !== undefined) url.searchParams.set("focus", String(selected));
    if (url.href === location.href) location.reload();
    else location.assign(url.href);
  };
  replace(
    banner,
    el("p", {}, STALE_TEXT[why] || STALE_TEXT.changed),
    el("button", { type: "button", class: "btn primary", onclick: reload }, "Reload the map"),
  );
  banner.hidden = false;
  banner.querySelector("button").focus();
}

/**
 * Run a write. Changes and deletions carry the ETag of what the user saw (If-Match), so the
 * server refuses them (412) if the record moved on meanwhile; the user is told and can reload.
 */
export async function guarded(write, { why = "changed", selected = null } = {}) {
  try {
    return await write();
  } catch (error) {
    if (error instanceof ApiError && error.status === 412) {
      staleBanner(why, selected);
      throw new Stale();
    }
    if (error instanceof ApiError && error.status === 404) {
      staleBanner("gone", selected);
      throw new Stale();
    }
    throw error;
  }
}

// -- errors beside the field ------------------------------------------------------------------

export function clearErrors(form) {
  for (const p of form.querySelectorAll(".field-error")) {
    p.hidden = true;
    p.textContent = "";
  }
  for (const input of form.querySelectorAll("[aria-invalid]")) {
    input.removeAttribute("aria-invalid");
    const keep = (input.getAttribute("aria-describedby") || "").split(" ").filter((t) => t && !t.endsWith("-error"));
    if (keep.length) input.setAttribute("aria-describedby", keep.join(" "));
    else input.removeAttribute("aria-describedby");
  }
  const top = form.querySelector(".form-error");
  top.hidden = true;
  top.textContent = "";
}

/** Show ``message`` beside the field named ``field``; false when the form has no such field. */
export function fieldError(form, field, message) {
  const box = form.querySelector(`[data-field="${CSS.escape(field)}"]`);
  const p = box && !box.hidden && box.querySelector(".field-error");
  if (!p) return false;
  p.textContent = p.textContent ? `${p.textContent} ${message}` : message;
  p.hidden = false;
  const input = box.querySelector("input:not([type=hidden]), select, textarea");
  if (input) {
    input.setAttribute("aria-invalid", "true");
    const ids = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    if (!ids.includes(p.id)) input.setAttribute("aria-describedby", [...ids, p.id].join(" "));
  }
  return true;
}

/** Spread an API error over the form: 422 details beside their fields, the rest on top. */
export function showErrors(form, error) {
  const top = form.querySelector(".form-error");
  if (error instanceof ApiError && Array.isArray(error.detail)) {
    const loose = [];
    for (const d of error.detail) {
      const loc = (d.loc || []).filter((x) => x !== "body");
      if (!loc.length || !fieldError(form, String(loc[0]), d.msg)) loose.push(d.msg);
    }
    if (loose.length) {
      top.textContent = loose.join(" ");
      top.hidden = false;
    }
    const first = form.querySelector("[aria-invalid]");
    if (first) first.focus();
    else if (loose.length) top.focus();
    return;
  }
  top.textContent = errorText(error);
  top.hidden = false;
  top.focus();
}

/**
 * The form's values as an API body. ``partial`` (a PATCH) keeps emptied fields as null, so
 * clearing a field clears it on the server; otherwise empty fields are left out.
 */
export function values(ctx, form, { partial }) {
  const out = {};
  for (const input of form.querySelectorAll("[name]")) {
    const box = input.closest("[data-field]");
    if (box && box.hidden) continue;
    const type = input.dataset.type;
    let v;
    if (type === "bool") v = input.checked;
    else if (type === "int") v = input.value === "" ? null : Number(input.value);
    else if (type === "tags") {
      v = input.value.split(",").map((t) => t.trim()).filter(Boolean);
    } else if (type === "stakeholder") v = idFromName(ctx, input.value);
    else v = input.value.trim() === "" ? null : input.value;
    if (!partial && (v === null || (Array.isArray(v) && !v.length))) continue;
    out[input.name] = v;
  }
  return out;
}

/**
 * Send a form's write with its submit button disabled. Returns what the API answered, or
 * undefined after showing the errors (or, for a stale record, closing the form under the banner).
 */
export async function submit(form, send, { why = "changed", selected = null } = {}) {
  clearErrors(form);
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  try {
    return await guarded(send, { why, selected });
  } catch (error) {
    if (error instanceof Stale) {
      // Closing the dialog hands the focus back to what opened it; the banner needs it.
      form.closest("dialog").close();
      const reload = document.querySelector("#stale-banner button");
      if (reload) reload.focus();
      return undefined;
    }
    showErrors(form, error);
    return undefined;
  } finally {
    button.disabled = false;
  }
}

/** Ask before deleting; ``action`` runs only when the user chose Delete. */
export function confirmThen(title, text, action) {
  const dialog = $("confirm-dialog");
  $("confirm-title").textContent = title;
  $("confirm-text").textContent = text;
  dialog.returnValue = "";
  dialog.showModal();
  dialog.addEventListener(
    "close",
    () => {
      if (dialog.returnValue === "confirm") action();
    },
    { once: true },
  );
}

/** A message in the map's status line (for failures that belong to no form). */
export function alertBox(message) {
  const status = $("map-status");
  status.textContent = message;
  status.dataset.kind = "error";
}

/**
 * Reload the map after a change, keeping ``selectId`` selected, with the keyboard focus on the
 * panel section (heading id ``sectionId``) where the change was made: the button that started it
 * has gone with the redraw.
 */
export async function reloadAndFocus(ctx, selectId, sectionId) {
  focusAfterRedraw(sectionId);
  await ctx.reload(selectId);
  const panel = $("panel");
  if (panel && !panel.contains(document.activeElement)) {
    const target = $(sectionId) || $("panel-title");
    if (target) target.focus();
  }
}

/** Sum up who took part, for confirmation texts: "Ann, Bob and 3 more". */
export function namesOf(ctx, ids, max = 3) {
  const names = ids.map((id) => {
    const n = ctx.model.nodes.get(id);
    return n ? n.name : `#${id}`;
  });
  if (names.length <= max) return names.join(", ");
  return `${names.slice(0, max).join(", ")} and ${names.length - max} more`;
}

// -- choosing stakeholders by name ------------------------------------------------------------

export function nameFor(ctx, id) {
  const n = ctx.model.nodes.get(id);
  return n ? `${displayName(ctx.model, n)} #${id}` : "";
}

export function fillNames(ctx) {
  const list = $("stakeholder-names");
  if (!list) return;
  const options = [...ctx.model.nodes.values()]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((n) => el("option", { value: nameFor(ctx, n.id) }));
  replace(list, ...options);
}

/** The id in "Name (Organisation) #12", or the one stakeholder with exactly that name. */
export function idFromName(ctx, text) {
  const value = (text || "").trim();
  if (!value) return null;
  const match = value.match(/#(\d+)$/);
  if (match && ctx.model.nodes.has(Number(match[1]))) return Number(match[1]);
  const exact = [...ctx.model.nodes.values()].filter((n) => n.name.toLowerCase() === value.toLowerCase());
  return exact.length === 1 ? exact[0].id : null;
}
