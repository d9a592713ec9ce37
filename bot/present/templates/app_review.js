// linkbot serve's proposal page: decisions without a reload, keys, focus and announcements.
// Plain script, no build step; the forms work without it (post, then back to the change).
(function () {
  "use strict";
  const token = document.querySelector('meta[name="csrf-token"]').content;
  const announce = document.getElementById("announce");
  const undoButton = document.getElementById("undo");
  const dialog = document.getElementById("confirm");
  const keysBox = document.getElementById("keys-on");
  const gotoField = document.getElementById("goto");
  let lastBulk = null;  // {action, decision, numbers}: what the undo withdraws

  const rows = () => Array.from(document.querySelectorAll("tr.change"));
  const rowOf = element => (element && element.closest ? element.closest("tr.change") : null);
  const describe = row => "change " + row.dataset.number + ", " + row.dataset.rule + ", " + row.dataset.decision;

  function say(text) {
    const line = document.createElement("p");
    line.className = "flash";
    line.textContent = text;
    announce.replaceChildren(line);
  }

  function focusRow(row, prefix) {
    if (!row) { return; }
    if (row.tagName === "A") {
      row.focus();
      say((prefix ? prefix + ". " : "") + "No undecided change below on this page: Enter opens the next page.");
      return;
    }
    row.focus({preventScroll: true});
    const box = row.getBoundingClientRect();
    const bar = document.getElementById("statusbar").getBoundingClientRect();
    if (box.top < 0 || box.bottom > Math.min(window.innerHeight, bar.top)) { row.scrollIntoView({block: "center"}); }
    say((prefix ? prefix + ". Now " : "") + describe(row));
  }

  // The next undecided change below; past the last, the next page of the list; else from the top.
  function nextUndecided(from) {
    const all = rows();
    const start = all.indexOf(from);
    const below = all.slice(start + 1).find(row => row.dataset.decision === "pending");
    if (below) { return below; }
    const nextPage = document.querySelector("a.next-page");
    if (nextPage) { return nextPage; }
    return all.slice(0, start + 1).find(row => row.dataset.decision === "pending") || null;
  }

  function showDecision(number, decision, by) {
    document.querySelectorAll('.sample-decision[data-number="' + number + '"]').forEach(sample => {
      sample.className = decision + " sample-decision";
      sample.textContent = decision;
    });
    const row = document.getElementById("change-" + number);
    if (!row) { return; }
    row.dataset.decision = decision;
    const cell = row.querySelector(".decision");
    const word = document.createElement("span");
    word.className = decision;
    word.textContent = decision;
    cell.replaceChildren(word);
    if (by) {
      const who = document.createElement("small");
      who.textContent = "by " + by;
      cell.append(document.createElement("br"), who);
    }
    const undecide = row.querySelector('button[value="pending"]');
    if (undecide) { undecide.hidden = decision === "pending"; }
  }

  const LETTERS = {p: "pending", a: "approved", r: "rejected"};

  function update(data) {
    data.numbers.forEach(number => showDecision(number, data.decision, data.by));
    // What others decided meanwhile shows too: every row of the page as the queue has it now.
    rows().forEach(row => {
      const number = Number(row.dataset.number), decision = LETTERS[(data.decisions || "")[number - 1]];
      if (decision && row.dataset.decision !== decision) {
        showDecision(number, decision, decision === "pending" ? "" : (data.others || {})[number] || data.by);
      }
    });
    const state = data.proposal;
    const status = document.getElementById("status");
    status.textContent = state.status;
    status.className = "status " + state.status_key;
    ["total", "undecided", "approved", "rejected"].forEach(key => {
      document.getElementById("count-" + key).textContent = state[key];
    });
    data.classes.forEach(found => {
      const body = document.querySelector('tbody.class[data-class="' + CSS.escape(found.id) + '"]');
      if (!body) { return; }
      ["undecided", "approved", "rejected"].forEach(key => { body.querySelector(".c-" + key).textContent = found[key]; });
    });
  }

  async function send(action, body) {
    body.set("csrf_token", token);
    try {
      const response = await fetch(action, {method: "POST", body: body, credentials: "same-origin",
                                            headers: {"Accept": "application/json", "X-CSRFToken": token}});
      return await response.json();
    } catch (error) {
      return {error: true, message: "not recorded (" + error + "): reload the page"};
    }
  }

  // Post a form; the page updated from the answer (the caller says what happened).
  async function post(form, submitter) {
    const data = await send(form.action, new FormData(form, submitter));
    if (!data.numbers) { return data; }
    update(data);
    if (data.undo) {
      lastBulk = {action: form.action.replace(/\/(decide|class)$/, "/undo"), decision: data.decision, numbers: data.numbers, mark: data.mark};
      undoButton.textContent = "undo: withdraw these " + data.numbers.length + " " + data.decision + " (U)";
      undoButton.hidden = false;
    }
    return data;
  }

  async function undo() {
    if (!lastBulk) { say("no bulk decision to undo"); return; }
    const body = new FormData();
    body.set("decision", lastBulk.decision);
    body.set("numbers", lastBulk.numbers.join(","));
    body.set("mark", lastBulk.mark);
    const data = await send(lastBulk.action, body);
    if (data.numbers) { update(data); lastBulk = null; undoButton.hidden = true; }
    say(data.message);
  }

  function confirmThen(form, submitter) {
    const undecided = document.getElementById("count-undecided").textContent;
    document.getElementById("confirm-text").textContent = form.dataset.confirm + ": " + undecided +
      " change(s) of this proposal, on every page of the list (when approving, those that need review stay undecided)?";
    dialog.returnValue = "";
    dialog.onclose = async () => {
      if (dialog.returnValue === "yes") { say((await post(form, submitter)).message); }
    };
    dialog.showModal();
    document.getElementById("confirm-no").focus();
  }

  document.addEventListener("submit", async event => {
    const form = event.target;
    if (form.method !== "post") { return; }
    event.preventDefault();
    if (form.dataset.confirm) { confirmThen(form, event.submitter); return; }
    const row = rowOf(form);
    const data = await post(form, event.submitter);
    const next = row && data.numbers && !data.error ? (data.decision === "pending" ? row : nextUndecided(row)) : null;
    if (next) { focusRow(next, data.message); } else { say(data.message); }
  });

  document.getElementById("goto-form").addEventListener("submit", event => {
    // Full-width digits (a Chinese input method's) are the same numbers: read as ASCII ones.
    const typed = gotoField.value.trim().replace(/[０-９]/g, digit => String.fromCharCode(digit.charCodeAt(0) - 0xFEE0));
    const row = document.getElementById("change-" + typed);
    if (row) { event.preventDefault(); history.replaceState(null, "", "#" + row.id); focusRow(row); }
  });
  undoButton.addEventListener("click", undo);

  keysBox.checked = localStorage.getItem("linkbot-keys") !== "off";
  keysBox.addEventListener("change", () => {
    localStorage.setItem("linkbot-keys", keysBox.checked ? "on" : "off");
    say("single-letter keys " + (keysBox.checked ? "on" : "off"));
  });

  function move(step) {
    const all = rows();
    if (!all.length) { return; }
    const index = all.indexOf(rowOf(document.activeElement));
    const next = index < 0 ? (step > 0 ? 0 : all.length - 1) : Math.min(Math.max(index + step, 0), all.length - 1);
    focusRow(all[next]);
  }

  function decideFocused(value) {
    const row = rowOf(document.activeElement);
    const button = row && row.querySelector('button[value="' + value + '"]');
    if (!row) { say("no change has the focus: j moves to the first one"); return; }
    if (button && !button.hidden) { button.form.requestSubmit(button); }
  }

  const KEYS = {
    j: () => move(1), k: () => move(-1),
    a: () => decideFocused("approved"), r: () => decideFocused("rejected"), u: () => decideFocused("pending"),
    A: () => { const form = document.getElementById("bulk-approved"); if (form) { confirmThen(form, form.querySelector("button")); } },
    R: () => { const form = document.getElementById("bulk-rejected"); if (form) { confirmThen(form, form.querySelector("button")); } },
    U: undo,
    g: () => { gotoField.focus(); gotoField.select(); say("go to change: type its number, then Enter"); },
  };

  document.addEventListener("keydown", event => {
    if (!keysBox.checked || event.ctrlKey || event.metaKey || event.altKey || dialog.open) { return; }
    if (event.target.closest("input, select, textarea, [contenteditable]")) { return; }
    const action = KEYS[event.key];
    if (!action) { return; }
    event.preventDefault();
    action();
  });

  const target = /^#change-[0-9]+$/.test(location.hash) && document.getElementById(location.hash.slice(1));
  if (target) { focusRow(target); }
})();
