// The map of initiatives (initiatives/map.html): one marker per commune, sized by its count, with
// the most recent titles in a popup. Tiles only when the server has a tile URL: on a closed
// network the markers stand on a blank background. The table under the map holds the same data.
(function () {
  "use strict";
  function start() {
    var element = document.getElementById("initiatives-map");
    var data = document.getElementById("map-markers");
    if (!element || !data || !window.L) return;
    var markers = JSON.parse(data.textContent);
    var still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    var map = L.map(element, {
      scrollWheelZoom: false,
      fadeAnimation: !still,
      zoomAnimation: !still,
      markerZoomAnimation: !still,
    });
    var label = element.dataset.markerLabel;
    var tiles = element.dataset.tilesUrl;
    if (tiles) {
      L.tileLayer(tiles, { attribution: element.dataset.tilesAttribution, maxZoom: 18 }).addTo(map);
    }
    var bounds = [];
    markers.forEach(function (m) {
      var size = Math.round(28 + 8 * Math.log2(1 + m.count));
      var icon = L.divIcon({
        className: "map-count",
        html: String(m.count),
        iconSize: [size, size],
      });
      var popup = document.createElement("div");
      var title = document.createElement("a");
      title.href = m.list;
      title.textContent = m.name + " (" + m.count + ")";
      var strong = document.createElement("strong");
      strong.appendChild(title);
      popup.appendChild(strong);
      var list = document.createElement("ul");
      m.titles.forEach(function (t) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = t.url;
        link.textContent = t.title;
        item.appendChild(link);
        list.appendChild(item);
      });
      popup.appendChild(list);
      var name = label.replace("%(commune)s", m.name).replace("%(count)s", m.count);
      // Leaflet makes each marker a focusable button: Tab reaches it, Enter opens its popup.
      L.marker([m.lat, m.lon], { icon: icon, title: name, alt: name }).bindPopup(popup).addTo(map);
      bounds.push([m.lat, m.lon]);
    });
    if (bounds.length) {
      map.fitBounds(bounds, { padding: [30, 30], maxZoom: 13 });
    } else {
      map.setView([48.91, 2.48], 11); // Seine-Saint-Denis
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
