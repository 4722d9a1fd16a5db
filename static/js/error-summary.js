// Patient pages: after a failed submit, the page comes back with an error summary (data-error-summary,
// tabindex -1). Move focus to it, so keyboard and screen-reader users start at what to fix instead of
// the top of the page. A static file: the Content-Security-Policy forbids inline scripts.
(function () {
  "use strict";
  function focusSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) return;
    if (!summary.hasAttribute("tabindex")) summary.setAttribute("tabindex", "-1");
    summary.focus();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusSummary);
  } else {
    focusSummary();
  }
})();
