// The map of actors (cooperations/map.html): one marker per commune, sized by its number of
// actors, with the most connected ones in a popup (links to them on the network). The set-up
// shared with the map of initiatives is in core/leaflet-map.js.
(function () {
  "use strict";
  if (!window.riposteCountMap) return;
  window.riposteCountMap({
    map: "actors-map",
    markers: "actors-map-markers",
    sizeStep: 6,
    popup: function (m, element) {
      var popup = document.createElement("div");
      var title = document.createElement("strong");
      title.textContent = m.name + " (" + m.count + ")";
      popup.appendChild(title);
      var top = m.top.map(function (a) {
        return { href: a.url, text: a.name };
      });
      popup.appendChild(window.riposteCountMap.linkList(top, "map-popup-list"));
      if (m.count > m.top.length) {
        var more = document.createElement("p");
        more.textContent = element.dataset.more.replace("%(count)s", m.count - m.top.length);
        popup.appendChild(more);
      }
      return popup;
    },
  });
})();
