// Draws the IOC's unit maps with Leaflet (served from the installed xstatic-leaflet package). Without an
// intranet tile server the units are drawn on a plain background: nothing is fetched from the internet.
(function () {
  "use strict";
  var stroke = {good: "#15803d", warn: "#b45309", bad: "#b91c1c", neutral: "#64748b"};
  var fill = {good: "#86efac", warn: "#fcd34d", bad: "#fca5a5", neutral: "#cbd5e1"};
  window.iocMaps = function () {
    if (!window.L) { return; }
    document.querySelectorAll(".ioc-leaflet:not([data-ready])").forEach(function (el) {
      var source = document.getElementById(el.dataset.source);
      if (!source) { return; }
      el.dataset.ready = "1";
      var map = L.map(el, {attributionControl: false, zoomSnap: 0.25});
      if (el.dataset.tiles) { L.tileLayer(el.dataset.tiles, {maxZoom: 18}).addTo(map); }
      var layer = L.geoJSON(JSON.parse(source.textContent), {
        style: function (f) {
          var s = f.properties.status;
          return {color: stroke[s] || stroke.neutral, fillColor: fill[s] || fill.neutral, weight: 1.2, fillOpacity: 0.8};
        },
        onEachFeature: function (f, l) {
          l.bindTooltip(f.properties.name + ": " + f.properties.text, {sticky: true});
          if (f.properties.url) { l.on("click", function () { window.location.href = f.properties.url; }); }
        }
      }).addTo(map);
      el.iocFit = function () { map.invalidateSize(); map.fitBounds(layer.getBounds(), {padding: [8, 8]}); };
      if (el.offsetWidth) { el.iocFit(); } else { map.setView([0, 0], 1); }  // hidden page: fitted when shown
    });
  };
  document.addEventListener("DOMContentLoaded", window.iocMaps);
})();
