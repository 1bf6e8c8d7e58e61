// Minutes are never lost: saved to the server every few seconds while typing, and kept
// in this browser (localStorage) until the server has them, so a session that timed out
// or a closed tab gives the text back on the next visit.
(function () {
  "use strict";
  var form = document.getElementById("minutes-form");
  if (!form) return;
  var textarea = form.querySelector("textarea");
  var status = document.getElementById("minutes-status");
  var texts = JSON.parse(document.getElementById("minutes-messages").textContent);
  var key = form.dataset.storageKey;
  var serverSavedAt = Date.parse(form.dataset.savedAt || "") || 0;
  var dirty = false;
  var inFlight = false;

  function say(message) { status.textContent = message; }

  function remember() {
    try {
      localStorage.setItem(key, JSON.stringify({ text: textarea.value, at: Date.now() }));
    } catch (e) { /* storage full or disabled: the server copy still works */ }
  }

  function stored() {
    try { return JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }

  function forget(text) {
    var copy = stored();
    if (copy && copy.text === text) localStorage.removeItem(key);
  }

  function save() {
    if (!dirty || inFlight) return;
    inFlight = true;
    dirty = false;
    var sent = textarea.value;
    var body = new FormData();
    body.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    body.append("text", sent);
    say(texts.saving);
    fetch(form.dataset.autosaveUrl, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", "Accept": "application/json" },
      redirect: "error"
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, code: response.status, data: data }; });
    }).then(function (result) {
      if (result.ok) {
        say(result.data.message);
        forget(sent);
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
    localStorage.removeItem(key);  // the server has this text, or a newer one
  }

  textarea.addEventListener("input", function () {
    dirty = true;
    remember();
  });
  setInterval(save, 3000);
})();
