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
/* Lazily loaded trees: <details data-children="URL"> fetches its list items (HTML) the first time it is
   opened; <a data-more href="URL"> inside such a list is replaced by the next items. Without script the
   links lead to the unit's own page, which lists its children. */
(function () {
  "use strict";
  function load(url, done) {
    fetch(url, {credentials: "same-origin", headers: {"X-Requested-With": "fetch"}})
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(done)
      .catch(function () { /* the fallback link stays */ });
  }
  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (!details.matches || !details.matches("details[data-children]") || !details.open) { return; }
    var list = details.querySelector(":scope > ul.lazy");
    if (!list || list.dataset.loading) { return; }
    list.dataset.loading = "1";
    load(details.dataset.children, function (html) {
      list.innerHTML = html;
      list.classList.remove("lazy");
    });
  }, true);
  document.addEventListener("click", function (event) {
    var more = event.target.closest && event.target.closest("a[data-more]");
    if (!more) { return; }
    event.preventDefault();
    var item = more.closest("li");
    load(more.href, function (html) { item.insertAdjacentHTML("beforebegin", html); item.remove(); });
  });
})();
