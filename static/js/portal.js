// The portal's one script (served from 'self': the Content Security Policy allows no inline code).
// Progressive enhancement only: every page works and reads in the right order without it.
//
// After a submission, focus moves to what happened: the error summary (which links to each field),
// else the first message, so that screen readers announce the outcome (the page title carries it too).
(function () {
  "use strict";

  // Loaded in the head, before anything is drawn: with scripts on, the phone menu folds behind its button
  // (Bootstrap's collapse); without them portal.css keeps it open and hides the button.
  document.documentElement.classList.add("js");

  function focusOutcome() {
    var target = document.querySelector(".error-summary") || document.querySelector(".messages");
    if (!target) {
      return;
    }
    if (!target.hasAttribute("tabindex")) {
      target.setAttribute("tabindex", "-1");
    }
    target.focus({ preventScroll: false });
  }

  // A link of the error summary takes the keyboard to the field itself, not only the view.
  function followSummaryLinks() {
    document.querySelectorAll(".error-summary a[href^='#']").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var field = document.getElementById(link.getAttribute("href").slice(1));
        if (field) {
          event.preventDefault();
          field.scrollIntoView({ block: "center" });
          field.focus();
        }
      });
    });
  }

  function ready() {
    // Without Bootstrap's script the menu could not open: leave it open, as without scripts.
    if (typeof window.bootstrap === "undefined") {
      document.documentElement.classList.remove("js");
    }
    followSummaryLinks();
    focusOutcome();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
