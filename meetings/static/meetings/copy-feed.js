// "Copy the address" on my agenda. Without JavaScript the button stays hidden and the
// address can still be selected and copied by hand from its read-only field.
(function () {
  "use strict";
  var button = document.getElementById("feed-copy");
  var field = document.getElementById("feed-url");
  var status = document.getElementById("feed-copy-status");
  if (!button || !field || !status) {
    return;
  }
  button.hidden = false;

  function say(text) {
    status.textContent = text;
  }

  function copyBySelection() {
    field.focus();
    field.select();
    try {
      return document.execCommand("copy");
    } catch (error) {
      return false;
    }
  }

  button.addEventListener("click", function () {
    var address = field.value.trim();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(address).then(
        function () { say(button.dataset.copied); },
        function () { say(copyBySelection() ? button.dataset.copied : button.dataset.failed); }
      );
    } else {
      say(copyBySelection() ? button.dataset.copied : button.dataset.failed);
    }
  });
})();
