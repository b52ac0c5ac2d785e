/* The establishment picker: an <input data-picker="search URL"> holding a registry code becomes
   a search box (ARIA combobox) with a list of matches (listbox) fetched from the search URL
   as the officer types: name, code, address or commune, without accents or case. Arrow keys
   move in the list, Enter chooses, Escape closes; the choice puts its code in the original
   input (now hidden), which the form posts as before. A code typed in full and not chosen is
   posted as typed. Without JavaScript the plain code box stays. */
(function () {
  "use strict";

  var DELAY = 200;

  function attach(input) {
    var url = input.dataset.picker;
    var listId = input.id + "_list";
    var box = document.createElement("input");
    box.type = "text";
    box.className = input.className;
    box.placeholder = input.dataset.pickerPlaceholder || "";
    box.autocomplete = "off";
    box.spellcheck = false;
    box.setAttribute("role", "combobox");
    box.setAttribute("aria-autocomplete", "list");
    box.setAttribute("aria-expanded", "false");
    box.setAttribute("aria-controls", listId);
    box.value = input.dataset.pickerLabel || input.value;
    // The field's <label for> names the box the officer types in.
    box.id = input.id;
    input.id = input.id + "_code";
    var statusId = box.id + "_status";
    box.setAttribute("aria-describedby", statusId);

    var list = document.createElement("ul");
    list.id = listId;
    list.className = "dropdown-menu w-100 picker-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", input.dataset.pickerList || "");

    var status = document.createElement("div");
    status.id = statusId;
    status.className = "form-text picker-status";
    status.setAttribute("aria-live", "polite");

    var wrapper = document.createElement("div");
    wrapper.className = "position-relative";
    input.parentNode.insertBefore(wrapper, input);
    input.type = "hidden";
    wrapper.appendChild(box);
    wrapper.appendChild(list);
    wrapper.appendChild(status);

    var results = [];
    var active = -1;
    var timer = null;
    var asked = 0;

    function open(yes) {
      list.classList.toggle("show", yes);
      box.setAttribute("aria-expanded", yes ? "true" : "false");
      if (!yes) {
        setActive(-1);
      }
    }

    function setActive(index) {
      var items = list.querySelectorAll("[role=option]");
      active = index;
      items.forEach(function (item, i) {
        var on = i === index;
        item.classList.toggle("active", on);
        item.setAttribute("aria-selected", on ? "true" : "false");
        if (on) {
          item.scrollIntoView({ block: "nearest" });
        }
      });
      if (index >= 0 && items[index]) {
        box.setAttribute("aria-activedescendant", items[index].id);
      } else {
        box.removeAttribute("aria-activedescendant");
      }
    }

    function choose(index) {
      var chosen = results[index];
      if (!chosen) {
        return;
      }
      input.value = chosen.code;
      box.value = chosen.label;
      open(false);
      status.textContent = (input.dataset.pickerChosen || "%s").replace("%s", chosen.label);
    }

    function show(data) {
      results = data.results;
      list.textContent = "";
      results.forEach(function (result, i) {
        var item = document.createElement("li");
        item.id = listId + "_" + i;
        item.className = "dropdown-item text-wrap";
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.textContent = result.label;
        if (result.address) {
          var where = document.createElement("div");
          where.className = "small text-body-secondary";
          where.textContent = result.address;
          item.appendChild(where);
        }
        // mousedown, not click: the box keeps its focus, so the list is still there.
        item.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(i);
        });
        list.appendChild(item);
      });
      var words = results.length
        ? (input.dataset.pickerFound || "%s").replace("%s", results.length)
        : input.dataset.pickerNone || "";
      if (data.has_next) {
        words += ". " + (input.dataset.pickerMore || "");
      }
      status.textContent = words;
      open(results.length > 0);
    }

    function search() {
      var text = box.value.trim();
      var mine = ++asked;
      if (!text) {
        results = [];
        list.textContent = "";
        status.textContent = "";
        open(false);
        return;
      }
      fetch(url + "?q=" + encodeURIComponent(text), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          return response.ok ? response.json() : { results: [], has_next: false };
        })
        .then(function (data) {
          if (mine === asked) {
            show(data);
          }
        })
        .catch(function () {
          /* The typed text still goes as a code: the form answers for it. */
        });
    }

    box.addEventListener("input", function () {
      // What is typed counts as a code until a match is chosen (the box without JavaScript).
      input.value = box.value.trim();
      clearTimeout(timer);
      timer = setTimeout(search, DELAY);
    });

    box.addEventListener("keydown", function (event) {
      var showing = list.classList.contains("show");
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (!showing && results.length) {
          open(true);
        }
        setActive(Math.min(active + 1, results.length - 1));
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        setActive(Math.max(active - 1, 0));
      } else if (event.key === "Enter" && showing) {
        // Enter chooses the highlighted match (or the only one); it never submits the form
        // with the list still open.
        event.preventDefault();
        choose(active >= 0 ? active : results.length === 1 ? 0 : -1);
      } else if (event.key === "Escape" && showing) {
        event.preventDefault();
        open(false);
      }
    });

    box.addEventListener("blur", function () {
      open(false);
    });
  }

  document.querySelectorAll("input[data-picker]").forEach(attach);
})();
