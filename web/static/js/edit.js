// Editing in place on the map: add and edit stakeholders, connect two of them, log an engagement,
// delete with a confirmation. Errors from the API's 422 answer appear beside the field they name.
// Changes and deletions send the ETag of the record the user saw (If-Match): if someone else
// changed it meanwhile, the server refuses (412) and the user is told and can reload, instead of
// silently overwriting the other coordinator.

import { ApiError, api, el, errorText, etagFor, fillSelects, page, replace, todayIso } from "./lib.js";
import { containers, displayName, hubMembers } from "./graphmodel.js";

const $ = (id) => document.getElementById(id);

class Stale extends Error {}

export function setupEditing(ctx) {
  for (const form of document.querySelectorAll("dialog form")) fillSelects(form);
  for (const button of document.querySelectorAll("dialog [data-close]")) {
    button.addEventListener("click", () => button.closest("dialog").close());
  }
  $("tie-strength").value = "3";
  fillNames(ctx);

  // -- not overwriting someone else ------------------------------------------------------------

  function staleBanner() {
    let banner = $("stale-banner");
    if (!banner) {
      banner = el("div", { id: "stale-banner", class: "alert warn banner", role: "alert" });
      document.querySelector(".map-layout").before(banner);
    }
    replace(
      banner,
      el("p", {}, "Someone else changed this since you opened it, so your change was not saved. Reload to see the latest version, then make your change again."),
      el("button", { type: "button", class: "btn primary", onclick: () => location.reload() }, "Reload the map"),
    );
    banner.hidden = false;
    banner.querySelector("button").focus();
  }

  /**
   * Run a write. Changes and deletions carry the ETag of what the user saw (If-Match), so the
   * server refuses them (412) if the record moved on meanwhile; the user is told and can reload.
   * After a write the map reloads, so it then shows everyone's changes.
   */
  async function guarded(write) {
    try {
      return await write();
    } catch (error) {
      if (error instanceof ApiError && error.status === 412) {
        staleBanner();
        throw new Stale();
      }
      throw error;
    }
  }

  // -- forms ------------------------------------------------------------------------------------

  function clearErrors(form) {
    for (const p of form.querySelectorAll(".field-error")) {
      p.hidden = true;
      p.textContent = "";
    }
    for (const input of form.querySelectorAll("[aria-invalid]")) {
      input.removeAttribute("aria-invalid");
      input.removeAttribute("aria-describedby");
    }
    const top = form.querySelector(".form-error");
    top.hidden = true;
    top.textContent = "";
  }

  function fieldError(form, field, message) {
    const box = form.querySelector(`[data-field="${CSS.escape(field)}"]`);
    const p = box && box.querySelector(".field-error");
    if (!p) return false;
    p.textContent = p.textContent ? `${p.textContent} ${message}` : message;
    p.hidden = false;
    const input = box.querySelector("input, select, textarea");
    if (input) {
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", p.id);
    }
    return true;
  }

  function showErrors(form, error) {
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
      return;
    }
    top.textContent = errorText(error);
    top.hidden = false;
  }

  function values(form, { partial }) {
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

  async function submit(form, send) {
    clearErrors(form);
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      return await guarded(send);
    } catch (error) {
      if (error instanceof Stale) {
        form.closest("dialog").close();
        return undefined;
      }
      showErrors(form, error);
      return undefined;
    } finally {
      button.disabled = false;
    }
  }

  // -- stakeholders -----------------------------------------------------------------------------

  const shForm = $("stakeholder-form");
  let editingId = null;

  function fillContainers(selected) {
    const select = $("sh-organisation");
    replace(select, el("option", { value: "" }, "None"));
    for (const c of containers(ctx.model)) {
      if (c.id === editingId) continue;
      const text = c.kind === "hub" ? `${c.name} (the hub: our own team)` : c.name;
      select.append(el("option", { value: String(c.id) }, text));
    }
    select.value = selected === null || selected === undefined ? "" : String(selected);
    const owner = $("sh-owner");
    replace(owner, el("option", { value: "" }, "Nobody yet"));
    for (const m of hubMembers(ctx.model)) owner.append(el("option", { value: String(m.id) }, m.name));
  }

  function syncKind() {
    const kind = $("sh-kind").value;
    const isHub = kind === "hub";
    shForm.querySelector('[data-field="kind"]').hidden = isHub;
    shForm.querySelector('[data-field="organisation_id"]').hidden = kind === "organisation" || isHub;
    for (const f of ["seniority", "role"]) shForm.querySelector(`[data-field="${f}"]`).hidden = kind !== "person";
  }
  $("sh-kind").addEventListener("change", syncKind);

  function openStakeholder(record) {
    editingId = record ? record.id : null;
    clearErrors(shForm);
    shForm.reset();
    const kindSelect = $("sh-kind");
    const hubOption = kindSelect.querySelector('option[value="hub"]');
    if (record && record.kind === "hub" && !hubOption) kindSelect.append(el("option", { value: "hub" }, "Hub"));
    if ((!record || record.kind !== "hub") && hubOption) hubOption.remove();
    fillContainers(record ? record.organisation_id : null);
    $("sh-title").textContent = record ? `Edit ${record.name}` : "Add a stakeholder";
    if (record) {
      kindSelect.value = record.kind;
      for (const input of shForm.querySelectorAll("[name]")) {
        const v = record[input.name];
        if (input.dataset.type === "bool") input.checked = Boolean(v);
        else if (input.dataset.type === "tags") input.value = (v || []).join(", ");
        else input.value = v === null || v === undefined ? "" : String(v);
      }
    } else {
      kindSelect.value = "person";
      $("sh-contact").checked = true;
      const sel = ctx.selected !== null ? ctx.model.nodes.get(ctx.selected) : null;
      if (sel && (sel.kind === "organisation" || sel.kind === "group" || sel.kind === "hub")) {
        $("sh-organisation").value = String(sel.id);
      }
    }
    syncKind();
    $("stakeholder-dialog").showModal();
    $("sh-name").focus();
  }

  shForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    const body = values(shForm, { partial: editingId !== null });
    if (body.kind === "hub") delete body.kind;
    if (editingId === null && !body.name) {
      clearErrors(shForm);
      fieldError(shForm, "name", "Give the stakeholder a name.");
      $("sh-name").focus();
      return;
    }
    const url = editingId === null
      ? `/partnerships/${page.pid}/stakeholders`
      : `/partnerships/${page.pid}/stakeholders/${editingId}`;
    const ifMatch = editingId === null ? null : etagFor(url);
    const saved = await submit(shForm, () =>
      api(url, { method: editingId === null ? "POST" : "PATCH", body, ifMatch }),
    );
    if (saved) {
      $("stakeholder-dialog").close();
      await ctx.reload(saved.id);
      fillNames(ctx);
    }
  });

  async function editStakeholder(id) {
    try {
      const record = await api(`/partnerships/${page.pid}/stakeholders/${id}`);
      openStakeholder(record);
    } catch (error) {
      alertBox(errorText(error));
    }
  }

  // -- ties -------------------------------------------------------------------------------------

  const tieForm = $("tie-form");
  function connect(sourceId) {
    clearErrors(tieForm);
    tieForm.reset();
    $("tie-strength").value = "3";
    $("tie-source").value = sourceId ? nameFor(ctx, sourceId) : "";
    $("tie-dialog").showModal();
    (sourceId ? $("tie-target") : $("tie-source")).focus();
  }
  tieForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearErrors(tieForm);
    const body = values(tieForm, { partial: false });
    let bad = false;
    for (const field of ["source_id", "target_id"]) {
      if (!body[field]) {
        fieldError(tieForm, field, "Choose a stakeholder from the list (type part of the name).");
        bad = true;
      }
    }
    if (bad) return;
    const saved = await submit(tieForm, () => api(`/partnerships/${page.pid}/ties`, { method: "POST", body }));
    if (saved) {
      $("tie-dialog").close();
      await ctx.reload(saved.target_id);
    }
  });

  // -- engagements ------------------------------------------------------------------------------

  const engForm = $("engagement-form");
  let participants = [];

  function renderParticipants() {
    const list = $("eng-participants");
    replace(list);
    if (!participants.length) list.append(el("li", { class: "muted" }, "Nobody yet: add at least two."));
    for (const id of participants) {
      const n = ctx.model.nodes.get(id);
      const remove = el(
        "button",
        { type: "button", class: "chip-x", "aria-label": `Remove ${n ? n.name : id}` },
        "×",
      );
      remove.addEventListener("click", () => {
        participants = participants.filter((p) => p !== id);
        renderParticipants();
      });
      list.append(el("li", { class: "chip" }, n ? displayName(ctx.model, n) : `#${id}`, remove));
    }
    const team = $("eng-team") || el("p", { id: "eng-team", class: "team" });
    replace(team);
    const members = hubMembers(ctx.model).filter((m) => !participants.includes(m.id));
    if (members.length) {
      team.append(el("span", { class: "muted" }, "Your team: "));
      for (const m of members.slice(0, 8)) {
        team.append(
          el("button", { type: "button", class: "chip add", onclick: () => addParticipant(m.id) }, `+ ${m.name}`),
        );
      }
    }
    if (!$("eng-team")) $("eng-participants").after(team);
  }

  function addParticipant(id) {
    if (id && !participants.includes(id)) participants.push(id);
    renderParticipants();
  }

  $("eng-add-button").addEventListener("click", () => {
    const input = $("eng-add");
    const id = idFromName(ctx, input.value);
    if (!id) {
      clearErrors(engForm);
      fieldError(engForm, "participant_ids", "Choose someone from the list (type part of the name).");
      return;
    }
    input.value = "";
    addParticipant(id);
  });
  $("eng-add").addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      e.preventDefault();
      $("eng-add-button").click();
    }
  });

  function logEngagement(ids) {
    clearErrors(engForm);
    engForm.reset();
    $("eng-date").value = todayIso();
    $("eng-channel").value = "face_to_face";
    participants = [...(ids || [])];
    const first = ids && ids.length ? ctx.model.nodes.get(ids[0]) : null;
    if (first && first.owner_id && ctx.model.core.has(first.owner_id)) participants.push(first.owner_id);
    renderParticipants();
    $("engagement-dialog").showModal();
    $("eng-date").focus();
  }

  engForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearErrors(engForm);
    const body = values(engForm, { partial: false });
    body.participant_ids = [...participants];
    if (participants.length < 2) {
      fieldError(engForm, "participant_ids", "An engagement needs at least two people or organisations.");
      return;
    }
    const saved = await submit(engForm, () => api(`/partnerships/${page.pid}/engagements`, { method: "POST", body }));
    if (saved) {
      $("engagement-dialog").close();
      await ctx.reload(ctx.selected);
    }
  });

  // -- delete -----------------------------------------------------------------------------------

  async function remove(id) {
    const n = ctx.model.nodes.get(id);
    const dialog = $("confirm-dialog");
    $("confirm-title").textContent = `Delete ${n.name}?`;
    $("confirm-text").textContent = `${n.name} and their ${n.degree} active tie${n.degree === 1 ? "" : "s"} will be removed from the map, and engagements left with only one participant go too. This cannot be undone.`;
    dialog.returnValue = "";
    dialog.showModal();
    dialog.addEventListener(
      "close",
      async () => {
        if (dialog.returnValue !== "confirm") return;
        try {
          const url = `/partnerships/${page.pid}/stakeholders/${id}`;
          await guarded(() => api(url, { method: "DELETE", ifMatch: etagFor(url) }));
          await ctx.reload(null);
          fillNames(ctx);
        } catch (error) {
          if (!(error instanceof Stale)) alertBox(errorText(error));
        }
      },
      { once: true },
    );
  }

  for (const [id, fn] of [["add-stakeholder", () => openStakeholder(null)], ["log-engagement", () => logEngagement(ctx.selected !== null ? [ctx.selected] : [])]]) {
    const button = $(id);
    if (button) button.addEventListener("click", fn);
  }

  return { editStakeholder, addStakeholder: () => openStakeholder(null), connect, logEngagement, remove };
}

function alertBox(message) {
  const status = document.getElementById("map-status");
  status.textContent = message;
  status.dataset.kind = "error";
}

// -- choosing stakeholders by name ------------------------------------------------------------------

function nameFor(ctx, id) {
  const n = ctx.model.nodes.get(id);
  return n ? `${displayName(ctx.model, n)} #${id}` : "";
}

function fillNames(ctx) {
  const list = document.getElementById("stakeholder-names");
  if (!list) return;
  const options = [...ctx.model.nodes.values()]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((n) => el("option", { value: nameFor(ctx, n.id) }));
  replace(list, ...options);
}

/** The id in "Name (Organisation) #12", or the one stakeholder with exactly that name. */
function idFromName(ctx, text) {
  const value = (text || "").trim();
  if (!value) return null;
  const match = value.match(/#(\d+)$/);
  if (match && ctx.model.nodes.has(Number(match[1]))) return Number(match[1]);
  const exact = [...ctx.model.nodes.values()].filter((n) => n.name.toLowerCase() === value.toLowerCase());
  return exact.length === 1 ? exact[0].id : null;
}

