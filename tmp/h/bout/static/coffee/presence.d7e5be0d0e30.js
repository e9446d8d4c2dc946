// Who is in a coffee room now: joins the room's presence over a websocket (coffee/consumers.py)
// and keeps the list of names up to date. Reconnects with a growing delay when the connection
// drops (a server restart, a laptop waking up), and sends a heartbeat so that the server knows
// the page is still open.
(function () {
  "use strict";
  var region = document.getElementById("presence");
  if (!region || !("WebSocket" in window)) return;
  var list = document.getElementById("presence-list");
  var empty = document.getElementById("presence-empty");
  var status = document.getElementById("presence-status");
  var heartbeatMs = (parseInt(region.dataset.heartbeat, 10) || 30) * 1000;
  var url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + region.dataset.url;
  var delay = 1000;
  var MAX_DELAY = 30000;
  var socket = null;
  var beat = null;
  var shown = null;
  var closing = false;

  function render(names) {
    var key = JSON.stringify(names);
    if (key === shown) return; // nothing changed: say nothing to screen readers
    shown = key;
    var items = document.createDocumentFragment();
    names.forEach(function (name) {
      var li = document.createElement("li");
      li.textContent = name;
      items.appendChild(li);
    });
    list.replaceChildren(items);
    empty.hidden = names.length > 0;
  }

  function connect() {
    socket = new WebSocket(url);
    socket.addEventListener("open", function () {
      delay = 1000;
      status.textContent = "";
      beat = setInterval(function () {
        if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({type: "heartbeat"}));
      }, heartbeatMs);
    });
    socket.addEventListener("message", function (event) {
      var data;
      try { data = JSON.parse(event.data); } catch (e) { return; }
      if (data.type === "presence" && Array.isArray(data.present)) render(data.present);
    });
    socket.addEventListener("close", function () {
      clearInterval(beat);
      if (closing) return;
      status.textContent = status.dataset.offline;
      // Up to MAX_DELAY, with jitter so that a restarted server is not hit by every page at once.
      setTimeout(connect, delay / 2 + Math.random() * delay / 2);
      delay = Math.min(delay * 2, MAX_DELAY);
    });
  }

  window.addEventListener("pagehide", function () {
    closing = true;
    if (socket) socket.close();
  });
  window.addEventListener("pageshow", function (event) {
    // Back from the page cache: the socket was closed on the way out.
    if (event.persisted) { closing = false; connect(); }
  });
  connect();
})();
