// Loading states for every htmx request (a static file: the Content-Security-Policy refuses inline
// script). htmx shows the request's indicator (hx-indicator, the .htmx-request class, styled in
// touchpoints.css); this marks the element being updated aria-busy while the request is in flight,
// so assistive technology waits for the new content instead of reading a half-changed region.
(function () {
  "use strict";
  document.addEventListener("htmx:beforeRequest", function (event) {
    var target = event.detail.target;
    if (target) target.setAttribute("aria-busy", "true");
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var target = event.detail.target;
    if (target && target.isConnected) target.removeAttribute("aria-busy");
  });
})();
