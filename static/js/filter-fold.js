// The folded filter form (templates/core/_filter_form.html): open by default on a wide screen, folded on
// a phone so that the list starts in the first screen. Loaded right after the form, so it opens before the
// list is drawn (no jump). Without it the filters are one click away.
(function () {
  "use strict";
  if (!window.matchMedia || !window.matchMedia("(min-width: 992px)").matches) {
    return;
  }
  document.querySelectorAll("details[data-filter-fold]:not([data-filter-fold-done])").forEach(function (fold) {
    fold.setAttribute("data-filter-fold-done", "");
    fold.open = true;
  });
})();
