/*
 * Two small aids of the editing forms (progressive enhancement: without JavaScript the forms work the
 * same, and the server does what these only show).
 *
 * - "Times not announced": a checkbox marked data-hides-times hides the time inputs of its form
 *   (.date-time-part-time) while it is ticked; the server clears them then anyway.
 * - A filter for a long checkbox list: a checkbox marked data-filter-choices gets, above its list, a
 *   text input that shows only the choices whose label holds the text typed. Ticked choices stay shown.
 *
 * No inline script, no eval: allowed by the site's Content Security Policy.
 */
(function () {
  "use strict";

  function hideTimes(box) {
    var form = box.form;
    if (!form) {
      return;
    }
    function apply() {
      form.querySelectorAll(".date-time-part-time").forEach(function (part) {
        part.hidden = box.checked;
      });
    }
    box.addEventListener("change", apply);
    apply();
  }

  function filterList(first) {
    var item = first.closest(".form-check");
    var list = item && item.parentElement;
    if (!list || list.hasAttribute("data-filtered")) {
      return;
    }
    list.setAttribute("data-filtered", "");
    var items = Array.prototype.slice.call(list.querySelectorAll(".form-check"));
    var id = first.name + "-filter";
    var wrapper = document.createElement("div");
    wrapper.className = "mb-2 choice-filter";
    var label = document.createElement("label");
    label.className = "form-label small mb-0";
    label.htmlFor = id;
    label.textContent = first.getAttribute("data-filter-choices") || "Filter the list";
    var input = document.createElement("input");
    input.type = "search";
    input.id = id;
    input.className = "form-control form-control-sm";
    input.autocomplete = "off";
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    wrapper.appendChild(label);
    wrapper.appendChild(input);
    wrapper.appendChild(status);
    list.parentElement.insertBefore(wrapper, list);
    input.addEventListener("input", function () {
      var text = input.value.trim().toLowerCase();
      var shown = 0;
      items.forEach(function (choice) {
        var box = choice.querySelector("input");
        var match = !text || choice.textContent.toLowerCase().indexOf(text) !== -1 || (box && box.checked);
        choice.hidden = !match;
        shown += match ? 1 : 0;
      });
      status.textContent = String(shown) + " / " + String(items.length);
    });
    // Enter in the filter must not send the form.
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
      }
    });
  }

  document.querySelectorAll("input[data-hides-times]").forEach(hideTimes);
  var seen = {};
  document.querySelectorAll("input[type=checkbox][data-filter-choices]").forEach(function (box) {
    if (!seen[box.name]) {
      seen[box.name] = true;
      filterList(box);
    }
  });
})();
