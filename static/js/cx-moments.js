// The experience moment's meeting-room screen (cx/templates/cx/moments/screen.html). A static file:
// the Content-Security-Policy refuses inline script.
//
// Each section is one "slide" that takes focus (tabindex="-1"): → / Page Down / Space go to the next
// section, ← / Page Up / Shift+Space to the previous one, Home and End to the first and last. Focus
// moves with the section, so a screen reader reads where the presenter is. Keys typed in a link or a
// button keep their usual meaning (Space and Enter activate it). Without this script the sections are
// a long page and the section links at the bottom still work.
(function () {
  "use strict";
  var holder = document.querySelector("[data-moment-sections]");
  if (!holder) return;
  var sections = Array.prototype.slice.call(holder.querySelectorAll(".screen-section"));
  if (!sections.length) return;

  function current() {
    var active = document.activeElement;
    for (var i = 0; i < sections.length; i++) {
      if (sections[i] === active || sections[i].contains(active)) return i;
    }
    // Nothing focused yet: the section nearest the top of the window.
    for (var j = sections.length - 1; j >= 0; j--) {
      if (sections[j].getBoundingClientRect().top <= 10) return j;
    }
    return -1;
  }

  function show(index) {
    var target = sections[Math.max(0, Math.min(sections.length - 1, index))];
    target.focus({ preventScroll: true });
    target.scrollIntoView({ block: "start" });
    if (history.replaceState) history.replaceState(null, "", "#" + target.id);
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var onControl = event.target.closest && event.target.closest("a, button, input, select, textarea");
    var key = event.key;
    var forward = key === "ArrowRight" || key === "PageDown" || (key === " " && !event.shiftKey && !onControl);
    var back = key === "ArrowLeft" || key === "PageUp" || (key === " " && event.shiftKey && !onControl);
    if (forward) {
      event.preventDefault();
      show(current() + 1);
    } else if (back) {
      event.preventDefault();
      show(current() - 1);
    } else if (key === "Home" && !onControl) {
      event.preventDefault();
      show(0);
    } else if (key === "End" && !onControl) {
      event.preventDefault();
      show(sections.length - 1);
    }
  });
})();
