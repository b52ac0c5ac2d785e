/* Small screens (phones, or any touch screen): the explanations marked <details class="fold">
   start folded, and the date boxes (dd/mm/yyyy text) become date inputs, so the phone's own
   date picker opens. The server accepts the ISO date (yyyy-mm-dd) such an input sends as well
   as dd/mm/yyyy; a box whose text is not a date is left as typed, for its error to be seen. */
(function () {
  "use strict";
  var small = window.matchMedia("(max-width: 575.98px), (pointer: coarse)");
  if (!small.matches) {
    return;
  }

  document.querySelectorAll("details.fold[open]").forEach(function (details) {
    details.open = false;
  });

  var DMY = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;
  var ISO = /^\d{4}-\d{2}-\d{2}$/;
  function pad(n) {
    return (n.length < 2 ? "0" : "") + n;
  }
  var boxes = 'input[type="text"].date, input[type="text"][placeholder="dd/mm/yyyy"]';
  document.querySelectorAll(boxes).forEach(function (input) {
    var value = input.value.trim();
    var iso = "";
    var dmy = DMY.exec(value);
    if (dmy) {
      iso = dmy[3] + "-" + pad(dmy[2]) + "-" + pad(dmy[1]);
    } else if (ISO.test(value)) {
      iso = value;
    } else if (value) {
      return;
    }
    input.type = "date";
    input.value = iso;
    if (input.value !== iso) {
      // Not a day of the calendar (31/02): back to the text as typed.
      input.type = "text";
      input.value = value;
      return;
    }
    input.removeAttribute("placeholder");
    input.removeAttribute("inputmode");
    // The "(dd/mm/yyyy)" beside its label: the picker shows the date its own way.
    var label = input.id && document.querySelector('label[for="' + input.id + '"] .date-hint');
    if (label) {
      label.hidden = true;
    }
  });
})();
