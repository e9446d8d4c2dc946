// The map of actors (cooperations/map.html): one marker per commune, sized by its number of
// actors, with the most connected ones in a popup (links to them on the network). Tiles only when
// the server has a tile URL: on a closed network the markers stand on a blank background. The
// table beside the map holds the same data.
(function () {
  "use strict";
  function start() {
    var element = document.getElementById("actors-map");
    var data = document.getElementById("actors-map-markers");
    if (!element || !data || !window.L) return;
    var markers = JSON.parse(data.textContent);
    var still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    var map = L.map(element, {
      scrollWheelZoom: false,
      fadeAnimation: !still,
      zoomAnimation: !still,
      markerZoomAnimation: !still,
    });
    var tiles = element.dataset.tilesUrl;
    if (tiles) {
      L.tileLayer(tiles, { attribution: element.dataset.tilesAttribution, maxZoom: 18 }).addTo(map);
    }
    var bounds = [];
    markers.forEach(function (m) {
      var size = Math.round(28 + 6 * Math.log2(1 + m.count));
      var icon = L.divIcon({ className: "map-count", html: String(m.count), iconSize: [size, size] });
      var popup = document.createElement("div");
      var title = document.createElement("strong");
      title.textContent = m.name + " (" + m.count + ")";
      popup.appendChild(title);
      var list = document.createElement("ul");
      list.className = "map-popup-list";
      m.top.forEach(function (a) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = a.url;
        link.textContent = a.name;
        item.appendChild(link);
        list.appendChild(item);
      });
      popup.appendChild(list);
      if (m.count > m.top.length) {
        var more = document.createElement("p");
        more.textContent = element.dataset.more.replace("%(count)s", m.count - m.top.length);
        popup.appendChild(more);
      }
      var name = element.dataset.markerLabel.replace("%(commune)s", m.name).replace("%(count)s", m.count);
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
