// Engagements on the map: log one, edit one (prefilled from the API record and sent back with
// its ETag in If-Match), delete one after a confirmation.

import { api, el, errorText, etagFor, fmt, label, page, replace, todayIso } from "./lib.js";
import { displayName, hubMembers } from "./graphmodel.js";
import {
  Stale,
  alertBox,
  clearErrors,
  confirmThen,
  fieldError,
  guarded,
  reloadAndFocus,
  idFromName,
  namesOf,
  staleBanner,
  submit,
  values,
} from "./formkit.js";

const $ = (id) => document.getElementById(id);

const engagementUrl = (id) => `/partnerships/${page.pid}/engagements/${id}`;

export function setupEngagements(ctx) {
  const form = $("engagement-form");
  let participants = [];
  let editing = null; // the engagement record being edited, or null when logging a new one

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
        $("eng-add").focus();
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
      clearErrors(form);
      fieldError(form, "participant_ids", "Choose someone from the list (type part of the name).");
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

  function open(record, ids) {
    editing = record;
    clearErrors(form);
    form.reset();
    const submitButton = form.querySelector("button[type=submit]");
    if (record) {
      $("eng-title").textContent = `Edit the engagement of ${fmt.date(record.occurred_on)}`;
      submitButton.textContent = "Save changes";
      $("eng-date").value = record.occurred_on;
      $("eng-channel").value = record.channel;
      $("eng-sentiment").value = record.sentiment === null ? "" : String(record.sentiment);
      $("eng-summary").value = record.summary || "";
      participants = [...record.participant_ids];
    } else {
      $("eng-title").textContent = "Log an engagement";
      submitButton.textContent = "Log engagement";
      $("eng-date").value = todayIso();
      $("eng-channel").value = "face_to_face";
      participants = [...(ids || [])];
      const first = ids && ids.length ? ctx.model.nodes.get(ids[0]) : null;
      if (first && first.owner_id && ctx.model.core.has(first.owner_id) && !participants.includes(first.owner_id)) {
        participants.push(first.owner_id);
      }
    }
    renderParticipants();
    $("engagement-dialog").showModal();
    $("eng-date").focus();
  }

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearErrors(form);
    const body = values(ctx, form, { partial: editing !== null });
    body.participant_ids = [...participants];
    let bad = false;
    if (!body.occurred_on) {
      fieldError(form, "occurred_on", "Give the date it happened.");
      bad = true;
    }
    if (participants.length < 2) {
      fieldError(form, "participant_ids", "An engagement needs at least two people or organisations.");
      bad = true;
    }
    if (bad) {
      const first = form.querySelector("[aria-invalid]");
      (first || $("eng-add")).focus();
      return;
    }
    let saved;
    if (editing === null) {
      saved = await submit(form, () => api(`/partnerships/${page.pid}/engagements`, { method: "POST", body }));
    } else {
      const url = engagementUrl(editing.id);
      saved = await submit(form, () => api(url, { method: "PATCH", body, ifMatch: etagFor(url) }), {
        selected: ctx.selected,
      });
    }
    if (!saved) return;
    $("engagement-dialog").close();
    if (editing === null) await ctx.reload(ctx.selected);
    else await reloadAndFocus(ctx, ctx.selected, "panel-history");
  });

  /** Read an engagement afresh (and its ETag); tell the user if it has gone. */
  async function fetchEngagement(id) {
    try {
      return await guarded(() => api(engagementUrl(id)), { selected: ctx.selected });
    } catch (error) {
      if (!(error instanceof Stale)) alertBox(errorText(error));
      return null;
    }
  }

  async function editEngagement(id) {
    const record = await fetchEngagement(id);
    if (record) open(record, null);
  }

  /** Delete the engagement the panel showed (``seen``), unless someone changed it meanwhile. */
  async function deleteEngagement(seen) {
    const record = await fetchEngagement(seen.id);
    if (!record) return;
    if (record.updated_at !== seen.updated_at) {
      staleBanner("deleted", ctx.selected);
      return;
    }
    const how = label("channels", record.channel).toLowerCase();
    confirmThen(
      `Delete the ${how} of ${fmt.date(record.occurred_on)}?`,
      `With ${namesOf(ctx, record.participant_ids)}. It will no longer count towards how close they are, their engagement history or their gaps. This cannot be undone.`,
      async () => {
        const url = engagementUrl(record.id);
        try {
          await guarded(() => api(url, { method: "DELETE", ifMatch: etagFor(url) }), {
            why: "deleted",
            selected: ctx.selected,
          });
        } catch (error) {
          if (!(error instanceof Stale)) alertBox(errorText(error));
          return;
        }
        await reloadAndFocus(ctx, ctx.selected, "panel-history");
      },
    );
  }

  return {
    logEngagement: (ids) => open(null, ids),
    editEngagement,
    deleteEngagement,
  };
}
