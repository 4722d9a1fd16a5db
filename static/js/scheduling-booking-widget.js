// The "Book online" widget a practice puts on its own website (the snippet on the booking-policy page):
// turns every <div data-touchpoints-book> into an accessible link to the practice's booking pages.
// Served at /p/<practice>/book/widget.js (scheduling/views/booking.py, widget), which fills in the
// two quoted placeholders below: the booking address and the label in the visitor's language.
(function () {
  "use strict";
  var url = "__TOUCHPOINTS_BOOK_URL__", label = "__TOUCHPOINTS_BOOK_LABEL__";
  function render() {
    var spots = document.querySelectorAll("[data-touchpoints-book]");
    for (var i = 0; i < spots.length; i++) {
      var spot = spots[i];
      if (spot.getAttribute("data-touchpoints-ready")) continue;
      spot.setAttribute("data-touchpoints-ready", "1");
      var link = document.createElement("a");
      link.href = url;
      link.textContent = label;
      link.className = "touchpoints-book-button";
      var s = link.style;
      s.display = "inline-block"; s.padding = "0.7em 1.3em"; s.minHeight = "44px"; s.boxSizing = "border-box";
      s.background = "#0b5d6b"; s.color = "#ffffff"; s.borderRadius = "8px"; s.fontWeight = "600";
      s.fontFamily = "inherit"; s.fontSize = "1rem"; s.lineHeight = "1.4"; s.textDecoration = "none";
      s.border = "2px solid #0b5d6b";
      link.addEventListener("focus", function () {
        this.style.outline = "3px solid #c75400"; this.style.outlineOffset = "2px";
      });
      link.addEventListener("blur", function () { this.style.outline = ""; });
      spot.appendChild(link);
    }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", render); } else { render(); }
})();
