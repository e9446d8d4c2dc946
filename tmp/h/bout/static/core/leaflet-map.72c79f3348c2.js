// The maps of counts by commune (the initiatives', the actors'): one marker per commune, sized by
// its count, with a popup the page builds. Shared set-up: no scroll-wheel zoom (the page scrolls),
// no animation for those who asked for less motion, tiles only when the server has a tile URL (on
// a closed network the markers stand on a blank background), and Seine-Saint-Denis when there is
// nothing to show. Each page also holds the same data in a table beside the map.
//
// Loaded after Leaflet and before the page's own script (all `defer`, in that order):
//   window.riposteCountMap({ map: "id", markers: "id of the JSON script", sizeStep: 8,
//                           popup: function (marker, element) { return a DOM node; } });
(function () {
  "use strict";

  function draw(options) {
    var element = document.getElementById(options.map);
    var data = document.getElementById(options.markers);
    if (!element || !data || !window.L) return null;
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
    var label = element.dataset.markerLabel;
    var step = options.sizeStep || 8;
    var bounds = [];
    markers.forEach(function (m) {
      var size = Math.round(28 + step * Math.log2(1 + m.count));
      var icon = L.divIcon({ className: "map-count", html: String(m.count), iconSize: [size, size] });
      var name = label.replace("%(commune)s", m.name).replace("%(count)s", m.count);
      // Leaflet makes each marker a focusable button: Tab reaches it, Enter opens its popup.
      L.marker([m.lat, m.lon], { icon: icon, title: name, alt: name })
        .bindPopup(options.popup(m, element))
        .addTo(map);
      bounds.push([m.lat, m.lon]);
    });
    if (bounds.length) {
      map.fitBounds(bounds, { padding: [30, 30], maxZoom: 13 });
    } else {
      map.setView([48.91, 2.48], 11); // Seine-Saint-Denis
    }
    return map;
  }

  // A list of links for a popup: items are {href, text}.
  function linkList(items, className) {
    var list = document.createElement("ul");
    if (className) list.className = className;
    items.forEach(function (i) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = i.href;
      link.textContent = i.text;
      item.appendChild(link);
      list.appendChild(item);
    });
    return list;
  }

  window.riposteCountMap = function (options) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", function () {
        draw(options);
      });
    } else {
      draw(options);
    }
  };
  window.riposteCountMap.linkList = linkList;
})();
