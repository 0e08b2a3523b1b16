/* Journey maps drawn with Leaflet from the installed xstatic-leaflet package, on an offline base layer
   (towns and main roads as GeoJSON served by the app): no tiles, nothing fetched from the Internet. */
(function () {
  "use strict";
  var el = document.getElementById("map");
  var dataEl = document.getElementById("map-data");
  if (!el || !dataEl || typeof L === "undefined") { return; }
  var data = JSON.parse(dataEl.textContent);
  var map = L.map(el, { zoomSnap: 0.25 });
  map.setView([21.6, 105.5], 8);
  var bounds = L.latLngBounds([]);

  // Town labels are collision-aware: after every zoom or pan a label is shown only where it overlaps
  // neither a label already placed nor a marker of the journey (stops, violations, route ends, start/end);
  // a hidden label appears while the pointer is on its town. Towns come in the data's order of importance.
  var towns = [];
  var journeyMarkers = [];
  function rectOf(node) { return node ? node.getBoundingClientRect() : null; }
  function overlaps(a, b) {
    return a && b && a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  }
  function declutter() {
    var placed = journeyMarkers.map(function (m) { return rectOf(m.getElement && m.getElement()); })
      .filter(function (r) { return r && r.width; });
    document.querySelectorAll(".route-label").forEach(function (n) { placed.push(rectOf(n)); });
    towns.forEach(function (town) {
      var node = town.getTooltip() && town.getTooltip().getElement();
      if (!node) { return; }
      node.classList.remove("label-hidden");
      var box = rectOf(node);
      var clash = placed.some(function (r) { return overlaps(box, r); });
      node.classList.toggle("label-hidden", clash);
      if (!clash) { placed.push(box); }
    });
  }
  // Leaflet places tooltips on the next frame: measure after it, once per burst of events
  var pending = null;
  function declutterSoon() {
    if (pending) { clearTimeout(pending); }
    pending = setTimeout(function () { pending = null; window.requestAnimationFrame(declutter); }, 30);
  }
  map.on("zoomend moveend", declutterSoon);

  fetch(el.dataset.basemap, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (geo) {
    L.geoJSON(geo, {
      style: function () { return { color: "#94a3b8", weight: 2, opacity: 0.8 }; },
      pointToLayer: function (f, latlng) {
        var town = L.circleMarker(latlng, { radius: 4, color: "#334155", weight: 1, fillColor: "#e2e8f0", fillOpacity: 1 })
          .bindTooltip(f.properties.name, { permanent: true, direction: "right", className: "town-label" });
        town.on("mouseover", function () { var n = town.getTooltip().getElement(); if (n) { n.classList.remove("label-hidden"); } });
        town.on("mouseout", declutterSoon);
        towns.push(town);
        return town;
      },
      onEachFeature: function (f, layer) { if (f.geometry.type === "LineString") { layer.bindTooltip(f.properties.name); } }
    }).addTo(map).bringToBack();
    declutterSoon();
  }).catch(function () { /* the track is still shown without the base layer */ });

  function fmtTime(iso) { var d = new Date(iso); return d.toLocaleString("vi-VN"); }

  if (data.track && data.track.length) {
    var line = data.track.map(function (p) { return [p[0], p[1]]; });
    var track = L.polyline(line, { color: "#1d4ed8", weight: 3, opacity: 0.85, className: "track-line" }).addTo(map);
    bounds.extend(track.getBounds());
    journeyMarkers.push(L.circleMarker(line[0], { radius: 6, color: "#15803d", fillOpacity: 1 }).addTo(map)
      .bindTooltip("Bắt đầu / Start"));
    journeyMarkers.push(L.circleMarker(line[line.length - 1], { radius: 6, color: "#111827", fillOpacity: 1 }).addTo(map)
      .bindTooltip("Kết thúc / End"));
  }
  (data.stops || []).forEach(function (s) {
    var parking = s[2] !== "short";
    journeyMarkers.push(L.circleMarker([s[0], s[1]], { radius: parking ? 7 : 5, color: parking ? "#64748b" : "#f59e0b",
                                                       fillOpacity: 0.8, className: "stop-marker" })
      .addTo(map).bindPopup((parking ? "Đỗ, nghỉ / Parking" : "Dừng ngắn / Short stop") + "<br>" + fmtTime(s[4]) +
        "<br>" + s[5]));
  });
  (data.violations || []).forEach(function (v) {
    journeyMarkers.push(L.circleMarker([v[0], v[1]], { radius: 8, color: "#dc2626", weight: 3, fillColor: "#fca5a5",
                                                       fillOpacity: 0.9, className: "violation-marker" })
      .addTo(map).bindPopup("<strong>" + v[2] + "</strong><br>" + fmtTime(v[4]) + "<br>" + v[3]));
    bounds.extend([v[0], v[1]]);
  });
  var palette = ["#1d4ed8", "#7c3aed", "#0891b2", "#be185d", "#15803d", "#b45309"];
  (data.lines || []).forEach(function (l, i) {
    if (!l.length) { return; }
    var pl = L.polyline(l, { color: palette[i % palette.length], weight: 3, opacity: 0.6, className: "track-line" }).addTo(map);
    bounds.extend(pl.getBounds());
  });
  (data.route || []).forEach(function (p, i) {
    journeyMarkers.push(L.circleMarker(p, { radius: 9, color: "#111827", fillColor: "#facc15", fillOpacity: 1 }).addTo(map)
      .bindTooltip(i === 0 ? "Điểm A / Place A" : "Điểm B / Place B", { permanent: true, className: "route-label" }));
    bounds.extend(p);
  });
  if (bounds.isValid()) { map.fitBounds(bounds.pad(0.1)); }
  declutterSoon();
})();
