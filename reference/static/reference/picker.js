// A long <select data-searchable> gets a search box above it: typing hides the options that
// do not match (accents and case ignored). Without JavaScript the select works as it is.
(function () {
  "use strict";
  var MIN_OPTIONS = 30;
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function enhance(select) {
    if (select.options.length < MIN_OPTIONS) return;
    var input = document.createElement("input");
    input.type = "search";
    input.className = "form-control form-control-sm mb-1";
    input.id = select.id + "-search";
    input.setAttribute("aria-label", select.dataset.searchLabel + " : " + (select.labels[0] ? select.labels[0].textContent.trim() : ""));
    input.setAttribute("aria-controls", select.id);
    input.placeholder = select.dataset.searchLabel;
    input.addEventListener("input", function () {
      var wanted = fold(input.value.trim());
      var first = null;
      Array.prototype.forEach.call(select.options, function (option) {
        var match = !wanted || option.value === "" || fold(option.text).indexOf(wanted) !== -1;
        option.hidden = !match;
        if (match && option.value !== "" && first === null) first = option;
      });
      Array.prototype.forEach.call(select.querySelectorAll("optgroup"), function (group) {
        group.hidden = !Array.prototype.some.call(group.children, function (o) { return !o.hidden; });
      });
      if (wanted && first && select.selectedOptions[0] && select.selectedOptions[0].hidden) first.selected = true;
    });
    select.parentNode.insertBefore(input, select);
  }
  document.querySelectorAll("select[data-searchable]").forEach(enhance);
})();
