// Editing in place on the map: add and edit stakeholders, connect two of them and edit or delete
// their ties, log, edit and delete engagements, delete with a confirmation. Errors from the API's
// 422 answer appear beside the field they name. Changes and deletions send the ETag of the record
// the user saw (If-Match): if someone else changed it meanwhile, the server refuses (412) and the
// user is told and can reload, instead of silently overwriting the other coordinator.
//
// The shared machinery is in formkit.js; ties and engagements have their own modules.

import { api, el, errorText, etagFor, fillSelects, page, replace } from "./lib.js";
import { containers, hubMembers } from "./graphmodel.js";
import {
  Stale,
  alertBox,
  clearErrors,
  confirmThen,
  fieldError,
  fillNames,
  guarded,
  submit,
  values,
} from "./formkit.js";
import { setupEngagements } from "./engagementform.js";
import { setupTies } from "./tieform.js";

const $ = (id) => document.getElementById(id);

export function setupEditing(ctx) {
  for (const form of document.querySelectorAll("dialog form")) fillSelects(form);
  for (const button of document.querySelectorAll("dialog [data-close]")) {
    button.addEventListener("click", () => button.closest("dialog").close());
  }
  fillNames(ctx);

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
    const body = values(ctx, shForm, { partial: editingId !== null });
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
    const saved = await submit(
      shForm,
      () => api(url, { method: editingId === null ? "POST" : "PATCH", body, ifMatch }),
      { selected: editingId },
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

  const ties = setupTies(ctx);
  const engagements = setupEngagements(ctx);

  // -- delete -----------------------------------------------------------------------------------

  function remove(id) {
    const n = ctx.model.nodes.get(id);
    confirmThen(
      `Delete ${n.name}?`,
      `${n.name} and their ${n.degree} active tie${n.degree === 1 ? "" : "s"} will be removed from the map, and engagements left with only one participant go too. This cannot be undone.`,
      async () => {
        try {
          const url = `/partnerships/${page.pid}/stakeholders/${id}`;
          await guarded(() => api(url, { method: "DELETE", ifMatch: etagFor(url) }), {
            why: "deleted",
            selected: id,
          });
          await ctx.reload(null);
          fillNames(ctx);
        } catch (error) {
          if (!(error instanceof Stale)) alertBox(errorText(error));
        }
      },
    );
  }

  for (const [id, fn] of [["add-stakeholder", () => openStakeholder(null)], ["log-engagement", () => engagements.logEngagement(ctx.selected !== null ? [ctx.selected] : [])]]) {
    const button = $(id);
    if (button) button.addEventListener("click", fn);
  }

  return {
    editStakeholder,
    addStakeholder: () => openStakeholder(null),
    remove,
    ...ties,
    ...engagements,
  };
}
