// The IOC wall: rotate the dashboard's pages, poll for a new computation, and turn visibly stale when the
// server stops answering (figures stay on screen, marked as old, never silently wrong).
(function () {
  "use strict";
  var body = document.body;
  var refresh = Math.max(2, parseInt(body.dataset.refresh, 10) || 60);
  var rotate = Math.max(5, parseInt(body.dataset.rotate, 10) || 20);
  var poll = Math.min(refresh, 5) * 1000;
  var target = document.getElementById("wall-body");
  var state = document.getElementById("wall-state");
  var text = document.getElementById("wall-text");
  var stamp = document.getElementById("wall-time");
  var computation = target.dataset.computation;
  var lastOk = Date.now();
  var page = 1;

  function pages() {
    var found = {};
    target.querySelectorAll(".ioc-section").forEach(function (s) { found[s.dataset.page || "1"] = true; });
    return Object.keys(found).map(Number).sort(function (a, b) { return a - b; });
  }
  function show() {
    var all = pages();
    if (all.indexOf(page) < 0) { page = all[0] || 1; }
    target.querySelectorAll(".ioc-section").forEach(function (s) {
      s.hidden = Number(s.dataset.page || 1) !== page;
      if (!s.hidden) {  // a map drawn while its page was hidden has no size yet
        s.querySelectorAll(".ioc-leaflet").forEach(function (el) { if (el.iocFit) { el.iocFit(); } });
      }
    });
    body.dataset.page = page;
  }
  function next() {
    var all = pages();
    page = all[(all.indexOf(page) + 1) % all.length] || 1;
    show();
  }
  function stale(on) {
    body.classList.toggle("stale", on);
    text.textContent = on ? state.dataset.stale : state.dataset.online;
  }
  function tick() {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = setTimeout(function () { if (controller) { controller.abort(); } }, 8000);
    fetch(body.dataset.url + "?have=" + encodeURIComponent(computation),
          {cache: "no-store", credentials: "omit", signal: controller ? controller.signal : undefined})
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) {
        clearTimeout(timer);
        lastOk = Date.now();
        stale(false);
        if (!data.unchanged && data.html) {
          target.innerHTML = data.html;
          computation = String(data.computation);
          target.dataset.computation = computation;
          stamp.textContent = data.computed_at;
          show();
          if (window.iocMaps) { window.iocMaps(); }
        }
      })
      .catch(function () {
        clearTimeout(timer);
        if (Date.now() - lastOk > poll * 2) { stale(true); }
      });
  }
  show();
  setInterval(next, rotate * 1000);
  setInterval(tick, poll);
})();
