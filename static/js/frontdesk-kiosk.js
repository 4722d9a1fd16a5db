// The kiosk's "checked in" screen: go back to the empty start form after a while, so the shared
// tablet is ready for the next patient. The link's data-kiosk-return gives the seconds.
(function () {
  "use strict";
  var link = document.querySelector("[data-kiosk-return]");
  if (!link) return;
  var seconds = parseInt(link.getAttribute("data-kiosk-return"), 10);
  if (!(seconds > 0)) return;
  window.setTimeout(function () {
    window.location.replace(link.href);
  }, seconds * 1000);
})();
