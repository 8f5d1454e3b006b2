// The Members page (owners): every member with their role; add by email, change a role, remove.
// The API refuses what would leave the partnership without an owner; its message appears
// beside the control that asked.

import { ApiError, api, el, errorText, fmt, page, replace, status } from "./lib.js";

const NOT_EMAIL = "That is not an email address: write it like name@example.org";
// The API's own rule, checked here first so that a typo gets its answer at once.
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const ROLES = { viewer: "Viewer", editor: "Editor", owner: "Owner" };
const me = Number(document.getElementById("members-page").dataset.me);
const table = document.getElementById("members-table");
const rows = document.getElementById("member-rows");
const statusLine = document.getElementById("members-status");
const form = document.getElementById("add-form");
const done = document.getElementById("add-done");
const dialog = document.getElementById("remove-dialog");
const base = `/partnerships/${page.pid}/members`;
let members = [];

/** The API's words for a refusal, as a sentence, with what to do about the last owner. */
function refusal(error) {
  let text = errorText(error);
  if (error instanceof ApiError && Array.isArray(error.detail)) {
    text = error.detail
      .map((d) => ((d.loc || []).includes("email") && d.type === "string_pattern_mismatch" ? NOT_EMAIL : d.msg))
      .join("; ");
  }
  text = text.charAt(0).toUpperCase() + text.slice(1);
  if (!/[.!?]$/.test(text)) text += ".";
  if (/last owner/i.test(text)) text += " Make someone else an owner first.";
  return text;
}

function showError(node, message) {
  node.textContent = message;
  node.hidden = !message;
}

function row(m) {
  const uid = m.user_id;
  const self = uid === me;
  const select = el(
    "select",
    { id: `role-${uid}`, "aria-describedby": `role-${uid}-error`, dataset: { uid } },
    ...Object.entries(ROLES).map(([value, text]) =>
      el("option", { value, selected: value === m.role }, text),
    ),
  );
  const save = el("button", { type: "button", class: "btn", id: `save-${uid}`, disabled: true }, "Save role");
  const roleError = el("p", { class: "field-error", id: `role-${uid}-error`, role: "alert", hidden: true });
  const removeError = el("p", { class: "field-error", id: `remove-${uid}-error`, role: "alert", hidden: true });
  select.addEventListener("change", () => {
    save.disabled = select.value === m.role;
    showError(roleError, "");
  });
  save.addEventListener("click", () => changeRole(m, select, save, roleError));
  const remove = el(
    "button",
    { type: "button", class: "btn danger-outline", id: `remove-${uid}`, "aria-describedby": `remove-${uid}-error` },
    self ? "Leave" : "Remove",
  );
  remove.addEventListener("click", () => confirmRemove(m, remove, removeError));
  return el(
    "tr",
    { dataset: { uid, email: m.email, role: m.role } },
    el("th", { scope: "row", class: "member-email" }, m.email, self ? el("span", { class: "muted" }, " (you)") : null),
    el(
      "td",
      { class: "member-role" },
      el("label", { for: `role-${uid}`, class: "visually-hidden" }, `Role of ${m.email}`),
      el("span", { class: "role-edit" }, select, save),
      roleError,
    ),
    el("td", {}, fmt.date(m.created_at)),
    el("td", { class: "member-remove" }, remove, removeError),
  );
}

function render() {
  replace(rows, ...members.map(row));
  table.hidden = !members.length;
  const owners = members.filter((m) => m.role === "owner").length;
  status(
    statusLine,
    members.length
      ? `${members.length} member${members.length === 1 ? "" : "s"}, ${owners} of them owner${owners === 1 ? "" : "s"}.`
      : "This partnership has no members yet. Add one below.",
    "info",
  );
}

async function load(focusId) {
  try {
    const body = await api(`${base}`);
    members = body.data;
  } catch (error) {
    table.hidden = true;
    status(statusLine, `The members could not be loaded: ${errorText(error)}`, "error");
    return;
  }
  render();
  if (focusId) document.getElementById(focusId)?.focus();
}

async function changeRole(m, select, save, roleError) {
  const role = select.value;
  save.disabled = true;
  try {
    await api(`${base}/${m.user_id}`, { method: "PATCH", body: { role } });
  } catch (error) {
    showError(roleError, refusal(error));
    select.value = m.role;
    select.setAttribute("aria-invalid", "true");
    select.focus();
    return;
  }
  if (m.user_id === me && role !== "owner") {
    // No longer an owner: this page is not for us any more.
    location.assign(`/partnerships/${page.pid}`);
    return;
  }
  await load(`role-${m.user_id}`);
  status(statusLine, `${m.email} is now ${ROLES[role].toLowerCase()}.`, "info");
}

function confirmRemove(m, button, removeError) {
  const self = m.user_id === me;
  document.getElementById("remove-title").textContent = self ? "Leave this partnership?" : `Remove ${m.email}?`;
  document.getElementById("remove-text").textContent = self
    ? `You will no longer see ${page.name}. An owner can add you again.`
    : `${m.email} will no longer see or change ${page.name}. Their account stays; an owner can add them again.`;
  document.getElementById("remove-yes").textContent = self ? "Leave" : "Remove";
  dialog.returnValue = "";
  dialog.showModal();
  dialog.addEventListener(
    "close",
    async () => {
      if (dialog.returnValue !== "confirm") {
        button.focus();
        return;
      }
      try {
        await api(`${base}/${m.user_id}`, { method: "DELETE" });
      } catch (error) {
        showError(removeError, refusal(error));
        button.focus();
        return;
      }
      if (self) {
        location.assign("/");
        return;
      }
      await load("add-email");
      status(statusLine, `${m.email} was removed. ${statusLine.textContent}`, "info");
    },
    { once: true },
  );
}

form.addEventListener("submit", async (e) => {
  e.preventDefault();
  for (const p of form.querySelectorAll(".field-error, .form-error")) showError(p, "");
  for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
  done.hidden = true;
  const email = form.elements.email.value.trim();
  const role = form.elements.role.value;
  const show = (field, message) => {
    const target = document.getElementById(`add-${field}-error`) || document.getElementById("add-error");
    showError(target, message);
    const input = form.elements[field];
    if (input) {
      input.setAttribute("aria-invalid", "true");
      input.focus();
    }
  };
  if (!email) {
    show("email", "Give the new member's email address.");
    return;
  }
  if (!EMAIL.test(email)) {
    show("email", `${NOT_EMAIL}.`);
    return;
  }
  const submit = document.getElementById("add-submit");
  submit.disabled = true;
  try {
    const m = await api(base, { method: "POST", body: { email, role } });
    form.reset();
    await load("add-email");
    done.textContent = m.account_created
      ? `${m.email} was added as ${ROLES[m.role].toLowerCase()}. They had no account, so one was made without a password: an administrator can give them a sign-in link.`
      : `${m.email} was added as ${ROLES[m.role].toLowerCase()}.`;
    done.hidden = false;
  } catch (error) {
    if (error instanceof ApiError && Array.isArray(error.detail)) {
      for (const d of error.detail) {
        const field = String((d.loc || []).filter((x) => x !== "body")[0] || "error");
        show(field, refusal(new ApiError(error.status, [d])));
      }
    } else {
      show("error", errorText(error));
    }
  } finally {
    submit.disabled = false;
  }
});

load();
