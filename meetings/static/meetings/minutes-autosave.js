// Minutes are never lost: saved to the server every few seconds while typing, and kept
// in this tab (sessionStorage) until the server has them, so a session that timed out
// gives the text back after logging in again in the same tab. sessionStorage, not
// localStorage: a draft must not outlive the tab on a shared computer.
// Each save says which saved version it started from; when someone else saved since,
// the server answers 409, autosave stops and the text stays here.
(function () {
  "use strict";
  var form = document.getElementById("minutes-form");
  if (!form) return;
  var textarea = form.querySelector("textarea");
  var loadedAt = form.querySelector("[name=loaded_at]");
  var status = document.getElementById("minutes-status");
  var texts = JSON.parse(document.getElementById("minutes-messages").textContent);
  var key = form.dataset.storageKey;
  var serverSavedAt = Date.parse(form.dataset.savedAt || "") || 0;
  var dirty = false;
  var inFlight = false;
  var conflict = false;

  // Drafts an earlier version kept in localStorage: drop them (another person may have
  // used this browser since).
  try {
    for (var i = localStorage.length - 1; i >= 0; i--) {
      var name = localStorage.key(i);
      if (name && name.indexOf("wekker-minutes-") === 0) localStorage.removeItem(name);
    }
  } catch (e) { /* storage disabled */ }

  function say(message) { status.textContent = message; }

  function remember() {
    try {
      sessionStorage.setItem(key, JSON.stringify({ text: textarea.value, at: Date.now() }));
    } catch (e) { /* storage full or disabled: the server copy still works */ }
  }

  function stored() {
    try { return JSON.parse(sessionStorage.getItem(key) || "null"); } catch (e) { return null; }
  }

  function forget(text) {
    var copy = stored();
    if (copy && copy.text === text) sessionStorage.removeItem(key);
  }

  function save() {
    if (!dirty || inFlight || conflict) return;
    inFlight = true;
    dirty = false;
    var sent = textarea.value;
    var body = new FormData();
    body.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    body.append("text", sent);
    body.append("loaded_at", loadedAt.value);
    say(texts.saving);
    fetch(form.dataset.autosaveUrl, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", "Accept": "application/json" },
      redirect: "error"
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, code: response.status, data: data }; });
    }).then(function (result) {
      if (result.ok) {
        loadedAt.value = result.data.saved_at;
        say(result.data.message);
        forget(sent);
      } else if (result.code === 409) {
        conflict = true;
        remember();
        say(texts.conflict);
      } else {
        dirty = true;
        say(result.code === 401 ? texts.session : (result.data.error || texts.saved_local));
      }
    }).catch(function () {
      dirty = true;
      say(texts.saved_local);
    }).finally(function () { inFlight = false; });
  }

  var copy = stored();
  if (copy && copy.text !== textarea.value && copy.at > serverSavedAt) {
    textarea.value = copy.text;
    dirty = true;
    say(texts.restored);
    save();
  } else if (copy) {
    sessionStorage.removeItem(key);  // the server has this text, or a newer one
  }

  textarea.addEventListener("input", function () {
    dirty = true;
    remember();
  });
  setInterval(save, 3000);
})();
