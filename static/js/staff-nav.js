// The staff navigation (templates/layouts/staff.html). A static file: the Content-Security-Policy
// refuses inline script.
//
// - On a narrow screen the menu folds behind the "Menu" button (a disclosure button: aria-expanded,
//   Enter or Space opens it, Escape closes it and puts focus back on the button). Without this
//   script the button stays hidden and the menu is simply shown, wrapped.
// - The "Practice settings" group and the account menu are <details> elements, which work by
//   keyboard on their own; this closes them on Escape and on a click elsewhere.
(function () {
  "use strict";
  var nav = document.getElementById("staff-nav");
  var toggle = document.querySelector(".nav-toggle");
  if (!nav || !toggle) return;

  function setOpen(open) {
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    nav.classList.toggle("is-open", open);
  }
  function toggleShown() {
    return getComputedStyle(toggle).display !== "none";
  }

  nav.classList.add("is-collapsible");
  toggle.hidden = false;
  setOpen(false);
  toggle.addEventListener("click", function () {
    setOpen(toggle.getAttribute("aria-expanded") !== "true");
  });

  var menus = ".staff-nav details[open], .account-menu[open]";
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var open = document.querySelector(menus);
    if (open && open.contains(document.activeElement)) {
      open.open = false;
      open.querySelector("summary").focus();
    } else if (toggleShown() && toggle.getAttribute("aria-expanded") === "true") {
      setOpen(false);
      toggle.focus();
    }
  });
  document.addEventListener("click", function (event) {
    document.querySelectorAll(menus).forEach(function (details) {
      if (!details.contains(event.target)) details.open = false;
    });
  });
})();
