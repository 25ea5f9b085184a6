/*
 * Add a row to a Django formset in place, without a round trip (progressive enhancement: without
 * JavaScript the form's "Add rows" button asks the server for more rows, keeping the input).
 *
 * A button marked data-formset-add names the formset's prefix, a <template> holding its empty form
 * (Django's "__prefix__" in names and ids, "__number__" in the legend) and the container of the rows.
 * Each click copies the template with the next index, appends it, counts TOTAL_FORMS up and moves
 * the focus into the new row. No inline script, no eval: allowed by the site's Content Security Policy.
 */
(function () {
  "use strict";

  function setUp(button) {
    var prefix = button.getAttribute("data-formset-prefix");
    var template = document.getElementById(button.getAttribute("data-formset-template"));
    var container = document.getElementById(button.getAttribute("data-formset-container"));
    var status = document.getElementById(button.getAttribute("data-formset-status"));
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var max = document.getElementById("id_" + prefix + "-MAX_NUM_FORMS");
    if (!template || !container || !total) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      if (max && index >= parseInt(max.value, 10)) {
        return;
      }
      var number = String(index + 1);
      var html = template.innerHTML.replace(/__prefix__/g, String(index)).replace(/__number__/g, number);
      var holder = document.createElement("div");
      holder.innerHTML = html;
      var row = holder.firstElementChild;
      container.appendChild(row);
      total.value = String(index + 1);
      var first = row.querySelector("select, input:not([type=hidden]), textarea");
      if (first) {
        first.focus();
      }
      if (status) {
        status.textContent = (button.getAttribute("data-formset-added") || "").replace("%(number)s", number);
      }
    });
  }

  document.querySelectorAll("[data-formset-add]").forEach(setUp);
})();
