// Booking pages: a form marked data-once submits once. The button pressed is disabled after the
// submit starts (its name/value still goes with the form: it is copied into a hidden field first).
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-once")) return;
    if (form.getAttribute("data-submitted")) { event.preventDefault(); return; }
    form.setAttribute("data-submitted", "1");
    var submitter = event.submitter;
    if (submitter && submitter.name) {
      var copy = document.createElement("input");
      copy.type = "hidden";
      copy.name = submitter.name;
      copy.value = submitter.value;
      form.appendChild(copy);
    }
    window.setTimeout(function () {
      var buttons = form.querySelectorAll("button[type=submit]");
      for (var i = 0; i < buttons.length; i++) { buttons[i].disabled = true; buttons[i].setAttribute("aria-disabled", "true"); }
    }, 0);
  });
  // Coming back with the browser's Back button shows the page from the cache: let it submit again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    var forms = document.querySelectorAll("form[data-once]");
    for (var i = 0; i < forms.length; i++) {
      forms[i].removeAttribute("data-submitted");
      var buttons = forms[i].querySelectorAll("button[type=submit]");
      for (var j = 0; j < buttons.length; j++) { buttons[j].disabled = false; buttons[j].removeAttribute("aria-disabled"); }
    }
  });
})();
