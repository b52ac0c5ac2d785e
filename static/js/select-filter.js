/* A search box for long lists of places (<select data-filter="placeholder">): typing narrows
   the list to the options whose text contains every word typed, without accents or case
   ("ba dinh" finds "Phường Ba Đình"). Without JavaScript the plain list still works. */
(function () {
  "use strict";

  function fold(text) {
    return text
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d")
      .replace(/Đ/g, "D")
      .toLowerCase();
  }

  function attach(select) {
    var box = document.createElement("input");
    box.type = "search";
    box.className = "form-control form-control-sm mb-1";
    box.placeholder = select.dataset.filter;
    box.setAttribute("aria-label", select.dataset.filter);
    box.setAttribute("aria-controls", select.id);
    box.autocomplete = "off";
    var status = document.createElement("div");
    status.className = "form-text mt-0 mb-1";
    status.setAttribute("aria-live", "polite");
    var options = Array.prototype.map.call(select.options, function (option) {
      return { option: option, text: fold(option.text) };
    });
    select.parentNode.insertBefore(box, select);
    select.parentNode.insertBefore(status, select);

    box.addEventListener("input", function () {
      var words = fold(box.value).split(/\s+/).filter(Boolean);
      var shown = 0;
      var first = null;
      options.forEach(function (item) {
        var keep =
          !item.option.value ||
          words.every(function (word) {
            return item.text.indexOf(word) !== -1;
          });
        item.option.hidden = !keep;
        if (keep && item.option.value) {
          shown += 1;
          first = first || item.option;
        }
      });
      status.textContent = words.length
        ? (select.dataset.filterCount || "%s").replace("%s", shown)
        : "";
      // The list never shows a choice the words rule out: the first match takes its place
      // (the only one is plainly meant), or the empty choice when nothing matches.
      var current = select.options[select.selectedIndex];
      if (shown === 1 || (current && current.hidden)) {
        select.value = first ? first.value : "";
      }
    });
    // Enter in the box must not submit the form half filled.
    box.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        select.focus();
      }
    });
  }

  document.querySelectorAll("select[data-filter]").forEach(attach);
})();
