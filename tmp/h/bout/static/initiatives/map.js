// The map of initiatives (initiatives/map.html): one marker per commune, sized by its count, with
// the most recent titles in a popup. The set-up shared with the map of actors is in
// core/leaflet-map.js.
(function () {
  "use strict";
  if (!window.riposteCountMap) return;
  window.riposteCountMap({
    map: "initiatives-map",
    markers: "map-markers",
    sizeStep: 8,
    popup: function (m) {
      var popup = document.createElement("div");
      var title = document.createElement("a");
      title.href = m.list;
      title.textContent = m.name + " (" + m.count + ")";
      var strong = document.createElement("strong");
      strong.appendChild(title);
      popup.appendChild(strong);
      var titles = m.titles.map(function (t) {
        return { href: t.url, text: t.title };
      });
      popup.appendChild(window.riposteCountMap.linkList(titles));
      return popup;
    },
  });
})();
