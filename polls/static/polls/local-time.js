// The answer page shows Paris time; a reader elsewhere also sees each date in their own time.
(function () {
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!zone || zone === "Europe/Paris") return;
  var format = new Intl.DateTimeFormat(document.documentElement.lang || "fr", {
    weekday: "long", day: "numeric", month: "long", hour: "2-digit", minute: "2-digit", timeZoneName: "short"
  });
  document.querySelectorAll(".wk-poll-answer time[datetime]").forEach(function (node) {
    var local = document.createElement("span");
    local.className = "d-block small fw-normal text-body-secondary";
    local.textContent = format.format(new Date(node.getAttribute("datetime")));
    node.after(local);
  });
})();
