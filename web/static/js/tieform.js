// Ties on the map: connect two stakeholders, edit a tie (prefilled from the API record and sent
// back with its ETag in If-Match), delete one after a confirmation.

import { api, errorText, etagFor, label, page } from "./lib.js";
import {
  Stale,
  alertBox,
  clearErrors,
  confirmThen,
  fieldError,
  guarded,
  reloadAndFocus,
  nameFor,
  staleBanner,
  submit,
  values,
} from "./formkit.js";

const $ = (id) => document.getElementById(id);

// SPEC §2: these kinds are one-way unless said otherwise.
const DIRECTED_BY_DEFAULT = new Set(["reports_to", "funds", "commissions"]);

const tieUrl = (id) => `/partnerships/${page.pid}/ties/${id}`;

export function setupTies(ctx) {
  const form = $("tie-form");
  const kind = $("tie-kind");
  const directed = $("tie-directed");
  let editing = null; // the tie record being edited, or null when connecting
  let directedTouched = false;

  // Until the user decides, "one-way" follows the kind, as the server's default does.
  kind.addEventListener("change", () => {
    if (!directedTouched) directed.checked = DIRECTED_BY_DEFAULT.has(kind.value);
  });
  directed.addEventListener("change", () => {
    directedTouched = true;
  });

  function open(record, sourceId) {
    editing = record;
    directedTouched = false;
    clearErrors(form);
    form.reset();
    const submitButton = form.querySelector("button[type=submit]");
    if (record) {
      $("tie-title").textContent = `Edit the tie between ${name(record.source_id)} and ${name(record.target_id)}`;
      submitButton.textContent = "Save changes";
      $("tie-source").value = nameFor(ctx, record.source_id);
      $("tie-target").value = nameFor(ctx, record.target_id);
      kind.value = record.kind;
      $("tie-strength").value = String(record.strength);
      $("tie-from").value = record.valid_from || "";
      $("tie-to").value = record.valid_to || "";
      $("tie-notes").value = record.notes || "";
      directed.checked = Boolean(record.directed);
    } else {
      $("tie-title").textContent = "Connect two stakeholders";
      submitButton.textContent = "Connect";
      $("tie-strength").value = "3";
      $("tie-source").value = sourceId ? nameFor(ctx, sourceId) : "";
      directed.checked = DIRECTED_BY_DEFAULT.has(kind.value);
    }
    $("tie-dialog").showModal();
    if (record) kind.focus();
    else (sourceId ? $("tie-target") : $("tie-source")).focus();
  }

  function name(id) {
    const n = ctx.model.nodes.get(id);
    return n ? n.name : `#${id}`;
  }

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearErrors(form);
    const body = values(ctx, form, { partial: editing !== null });
    let bad = false;
    for (const field of ["source_id", "target_id"]) {
      if (!body[field]) {
        fieldError(form, field, "Choose a stakeholder from the list (type part of the name).");
        bad = true;
      }
    }
    if (bad) {
      form.querySelector("[aria-invalid]").focus();
      return;
    }
    let saved;
    if (editing === null) {
      saved = await submit(form, () => api(`/partnerships/${page.pid}/ties`, { method: "POST", body }));
    } else {
      const url = tieUrl(editing.id);
      saved = await submit(form, () => api(url, { method: "PATCH", body, ifMatch: etagFor(url) }), {
        selected: ctx.selected,
      });
    }
    if (!saved) return;
    $("tie-dialog").close();
    if (editing === null) {
      await ctx.reload(saved.target_id);
    } else {
      await reloadAndFocus(ctx, ctx.selected, "panel-ties");
    }
  });

  /** Read a tie afresh (and its ETag); tell the user if it has gone. */
  async function fetchTie(id) {
    try {
      return await guarded(() => api(tieUrl(id)), { selected: ctx.selected });
    } catch (error) {
      if (!(error instanceof Stale)) alertBox(errorText(error));
      return null;
    }
  }

  async function editTie(id) {
    const record = await fetchTie(id);
    if (record) open(record, null);
  }

  /** Delete the tie the panel showed (``seen``), unless someone changed it meanwhile. */
  async function deleteTie(seen) {
    const record = await fetchTie(seen.id);
    if (!record) return;
    if (record.updated_at !== seen.updated_at) {
      staleBanner("deleted", ctx.selected);
      return;
    }
    const a = name(record.source_id);
    const b = name(record.target_id);
    confirmThen(
      `Delete the tie between ${a} and ${b}?`,
      `${label("tieKinds", record.kind)}, strength ${record.strength} of 5. The declared tie is removed from the map and the analysis; engagements between them stay logged and still count towards how close they are. This cannot be undone.`,
      async () => {
        const url = tieUrl(record.id);
        try {
          await guarded(() => api(url, { method: "DELETE", ifMatch: etagFor(url) }), {
            why: "deleted",
            selected: ctx.selected,
          });
        } catch (error) {
          if (!(error instanceof Stale)) alertBox(errorText(error));
          return;
        }
        await reloadAndFocus(ctx, ctx.selected, "panel-ties");
      },
    );
  }

  return { connect: (sourceId) => open(null, sourceId), editTie, deleteTie };
}
