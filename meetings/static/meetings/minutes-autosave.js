// Minutes are never lost: saved to the server every few seconds while typing, and kept
// in this tab (sessionStorage) until the server has them, so a session that timed out
// gives the text back after logging in again in the same tab. sessionStorage, not
// localStorage: a draft must not outlive the tab on a shared computer.
// Each save says which saved version it started from; when someone else saved since,
// the server answers 409, autosave stops and the text stays here.
// The copy kept here carries the version it started from (`base`). Back on the page, it
// replaces the text only when the server still has that version; when someone saved since,
// the page keeps their version and offers the copy beside it, never silently over it.
(function () {
  "use strict";
  var form = document.getElementById("minutes-form");
  if (!form) return;
  var textarea = form.querySelector("textarea");
  var loadedAt = form.querySelector("[name=loaded_at]");
  var status = document.getElementById("minutes-status");
  var badge = document.getElementById("minutes-badge");
  var olderBox = document.getElementById("minutes-older");
  var texts = JSON.parse(document.getElementById("minutes-messages").textContent);
  var key = form.dataset.storageKey;
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
      sessionStorage.setItem(key, JSON.stringify({ text: textarea.value, at: Date.now(), base: loadedAt.value }));
    } catch (e) { /* storage full or disabled: the server copy still works */ }
  }

  function stored(name) {
    try { return JSON.parse(sessionStorage.getItem(name || key) || "null"); } catch (e) { return null; }
  }

  function drop(name) {
    try { sessionStorage.removeItem(name); } catch (e) { /* storage disabled */ }
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
        if (badge && result.data.status) badge.textContent = result.data.status;
        say(result.data.message);
        forget(sent);
        if (stored()) remember();  // typed meanwhile: the copy now starts from this version
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

  // A copy that started from an older version than the server's: shown beside the form.
  // Taking it back restores the version it started from too, so saving it meets the
  // conflict (409) and its comparison instead of replacing the newer version.
  function offer(copy) {
    olderBox.querySelector("pre").textContent = copy.text;
    olderBox.hidden = false;
    olderBox.querySelector("[data-take]").addEventListener("click", function () {
      textarea.value = copy.text;
      loadedAt.value = copy.base || "";
      olderBox.hidden = true;
      drop(olderKey);
      dirty = true;
      remember();
      save();
    });
    olderBox.querySelector("[data-drop]").addEventListener("click", function () {
      olderBox.hidden = true;
      drop(olderKey);
    });
  }

  var olderKey = key + "-older";
  var older = stored(olderKey);  // offered on an earlier load, neither taken back nor dropped yet
  var copy = stored();
  if (copy && copy.text !== textarea.value && copy.base === loadedAt.value) {
    textarea.value = copy.text;  // nobody saved since this copy started: it is the newest text
    dirty = true;
    say(texts.restored);
    save();
  } else if (copy) {
    drop(key);
    if (copy.text !== textarea.value) {
      try { sessionStorage.setItem(olderKey, JSON.stringify(copy)); } catch (e) { /* shown below all the same */ }
      older = copy;
    }
  }
  if (older && olderBox) offer(older);

  textarea.addEventListener("input", function () {
    dirty = true;
    remember();
  });
  setInterval(save, 3000);
})();
