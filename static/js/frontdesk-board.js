// The flow board: htmx swaps #board-rows when the board changed (a poll, or a button pressed).
// Keep the keyboard user where they were: the same button (or the same row's next-step button
// when the pressed one is gone), the open "More" menus and the chosen "how late" values.
// A refused change (400) still swaps: the answer is the board as it is now, with the reason.
(function () {
  "use strict";
  var kept = null;

  function rowsOf(event) {
    var target = event.detail && event.detail.target;
    return target && target.id === "board-rows" ? target : null;
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    var rows = rowsOf(event);
    if (!rows) return;
    if (event.detail.xhr && event.detail.xhr.status === 400) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
    var active = document.activeElement;
    var inside = active && rows.contains(active);
    var row = inside && active.closest ? active.closest("tr[id]") : null;
    var open = [];
    rows.querySelectorAll("details[open][id]").forEach(function (d) { open.push(d.id); });
    var values = {};
    rows.querySelectorAll("select[data-keep][id]").forEach(function (s) { values[s.id] = s.value; });
    kept = { focus: inside ? active.id : "", row: row ? row.id : "", open: open, values: values };
  });

  // afterSwap, not afterSettle: it runs in the same task as the swap, so no key press can land on the page
  // while the pressed button is gone (settling waits a timer, and an Enter in that gap was lost).
  document.addEventListener("htmx:afterSwap", function () {
    if (!kept) return;
    var state = kept;
    kept = null;
    state.open.forEach(function (id) {
      var details = document.getElementById(id);
      if (details) details.open = true;
    });
    Object.keys(state.values).forEach(function (id) {
      var select = document.getElementById(id);
      if (select) select.value = state.values[id];
    });
    if (!state.focus && !state.row) return;
    var target = state.focus && document.getElementById(state.focus);
    if (!target && state.row) {
      // The pressed button is gone (the visit moved on): its menu closes, focus goes to the row's next step.
      var pk = state.row.replace("appt-", "");
      var menu = document.getElementById("more-" + pk);
      if (menu) menu.open = false;
      target = document.getElementById("next-" + pk) || document.getElementById(state.row);
    }
    if (target && typeof target.focus === "function") target.focus();
  });
})();
