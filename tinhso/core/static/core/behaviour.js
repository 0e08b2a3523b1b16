/* Small page behaviours declared with data attributes, so that templates hold no inline script or
   event handler and the Content-Security-Policy can forbid them (script-src 'self').
     <select data-autosubmit>        submits its form when changed (language, filters)
     <input type=checkbox data-check-all="task">   ticks or clears every input named "task"
     <a data-back href="…">          goes back in the browser history (the href is the fallback) */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("select[data-autosubmit]") && el.form) { el.form.submit(); }
  });
  document.addEventListener("click", function (event) {
    var el = event.target;
    if (!el.closest) { return; }
    var all = el.closest("input[data-check-all]");
    if (all) {
      document.querySelectorAll("input[name='" + all.dataset.checkAll + "']").forEach(function (box) {
        box.checked = all.checked;
      });
      return;
    }
    var back = el.closest("a[data-back]");
    if (back && window.history.length > 1) { event.preventDefault(); window.history.back(); }
  });
})();
