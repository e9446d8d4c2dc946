// The live board (workshops/board_views.py, consumers.py). Without this script every form still
// works: it posts, and the server redirects back to the board. With it:
// - forms are sent in the background (with an HX-Request header): the server answers with the
//   fragments that changed (a step, the whole board), swapped in place;
// - a websocket tells of every change on the board by its revision number; the page fetches the
//   step that changed, rendered for its own viewer (hidden notes, anonymous authors), or the whole
//   board when it missed a revision, on reconnecting, and on a change of structure, status,
//   timer or focus ("bring everyone here" then moves the focus to that axis and says so);
// - a swapped fragment keeps what the person was doing: the keyboard focus and the caret, the
//   menus they had opened, and any text typed and not sent yet (with the note's version it was
//   typed against, so that saving it later is checked against the changes made meanwhile);
// - the timer counts down from its end time, announced once when time is up.
(function () {
  "use strict";
  var live = document.getElementById("board-live");
  if (!live || !window.fetch) return;
  var announcer = document.getElementById("board-announce");
  var connection = document.getElementById("board-connection");
  var wsPath = live.dataset.ws;
  var boardUrl = live.dataset.boardUrl;
  var stepUrl = live.dataset.stepUrl; // ends with /0/: the step's id goes there
  var noteUrl = live.dataset.noteUrl; // the same, for a note

  function board() { return document.getElementById("board"); }
  var last = parseInt(board().dataset.revision, 10) || 0;

  // -- saying things to everyone, screen readers included

  function announce(text, isError) {
    if (!text) return;
    announcer.classList.toggle("is-error", !!isError);
    // Emptied first: the same message twice in a row is read twice.
    announcer.textContent = "";
    setTimeout(function () { announcer.textContent = text; }, 50);
  }

  // -- swapping fragments without losing the person's place

  function isDirty(form) {
    return Array.prototype.some.call(form.elements, function (el) {
      if (el.tagName === "TEXTAREA" || (el.tagName === "INPUT" && (el.type === "text" || el.type === "number"))) {
        return el.value !== el.defaultValue;
      }
      if (el.tagName === "SELECT") {
        return Array.prototype.some.call(el.options, function (o) { return o.selected !== o.defaultSelected; });
      }
      if (el.type === "checkbox") return el.checked !== el.defaultChecked;
      return false;
    });
  }

  function snapshot(root, sent) {
    var state = {forms: {}, open: [], closeAfter: null};
    root.querySelectorAll("form[id]").forEach(function (form) {
      if (form === sent || !isDirty(form)) return;
      var values = {};
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!el.name || el.type === "submit") return;
        values[el.name] = el.type === "checkbox" ? el.checked : el.value;
      });
      state.forms[form.id] = values;
    });
    root.querySelectorAll("details[id][open]").forEach(function (d) { state.open.push(d.id); });
    if (sent && root.contains(sent) && sent.hasAttribute("data-close-on-success")) {
      var menu = sent.closest("details[id]");
      if (menu) state.closeAfter = menu.id;
    }
    return state;
  }

  function restore(state, ok) {
    state.open.forEach(function (id) {
      var d = document.getElementById(id);
      if (d && !(ok && id === state.closeAfter)) d.open = true;
    });
    Object.keys(state.forms).forEach(function (id) {
      var form = document.getElementById(id);
      if (!form) return;
      var values = state.forms[id];
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!el.name || !(el.name in values)) return;
        if (el.type === "checkbox") el.checked = values[el.name];
        else el.value = values[el.name];
      });
    });
  }

  // Where the keyboard focus is, before fragments are swapped: the focused element's id (and
  // caret), and the id of the fragment around it, to fall back on when the element is gone.
  function focusState(ids) {
    var active = document.activeElement;
    if (!active || active === document.body) return null;
    var menu = active.closest("details[id]");
    var state = {id: active.id || null, around: null, menu: menu ? menu.id : null};
    if (typeof active.selectionStart === "number") {
      state.start = active.selectionStart;
      state.end = active.selectionEnd;
    }
    ids.forEach(function (id) {
      var el = document.getElementById(id);
      if (el && el.contains(active)) state.around = id;
    });
    return state.around ? state : null; // focus outside the swapped fragments stays as it is
  }

  function restoreFocus(state) {
    if (!state) return;
    var target = state.id ? document.getElementById(state.id) : null;
    if (target) {
      var closed = target.closest("details:not([open])");
      if (closed) target = closed.querySelector("summary");
    }
    if (!target && state.menu) {
      var menu = document.getElementById(state.menu);
      target = menu && menu.querySelector("summary");
    }
    if (!target) target = document.getElementById(state.around) || board();
    if (document.activeElement === target) return;
    target.focus({preventScroll: true});
    if (state.start !== undefined && target.id === state.id && typeof target.setSelectionRange === "function") {
      try { target.setSelectionRange(state.start, state.end); } catch (e) { /* not a text field */ }
    }
  }

  // Apply an answer of the server: each top-level element with an id replaces the element of
  // the same id; #board-message is said, not shown as such. The focus is put back once all are
  // swapped: a note moved to another step takes it along.
  function apply(html, sent, isError) {
    var template = document.createElement("template");
    template.innerHTML = html;
    var message = "";
    var fresh = Array.prototype.filter.call(template.content.children, function (el) {
      if (el.id === "board-message") { message = el.textContent.trim(); return false; }
      return el.id && document.getElementById(el.id);
    });
    // A note new to this page goes at the end of its list (the notes of its step in no group).
    Array.prototype.slice.call(template.content.children).forEach(function (el) {
      var list = el.dataset && el.dataset.list && document.getElementById(el.dataset.list);
      if (el.id && !document.getElementById(el.id) && list) list.appendChild(el);
    });
    var focus = focusState(fresh.map(function (el) { return el.id; }));
    fresh.forEach(function (el) {
      var old = document.getElementById(el.id);
      var state = snapshot(old, sent);
      // Forms opened inline in the old fragment (the "move to" list) go back in place of their
      // link, as they were: their choice, their focus.
      var opened = Array.prototype.filter.call(old.querySelectorAll("form[data-opened-from]"), function (form) {
        return form !== sent;
      });
      old.replaceWith(el);
      opened.forEach(function (form) {
        var link = document.getElementById(form.dataset.openedFrom);
        if (link) link.replaceWith(form);
      });
      restore(state, !isError);
      if (el.id === "board") {
        last = Math.max(last, parseInt(el.dataset.revision, 10) || 0);
        startTimer();
      }
    });
    restoreFocus(focus);
    announce(message, isError);
    return fresh.length > 0;
  }

  function get(url) {
    return fetch(url, {headers: {"HX-Request": "true"}, credentials: "same-origin"}).then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.text();
    });
  }

  // -- what changed: fetched one at a time per step, the last request winning

  var loading = {};
  function refreshStep(id) {
    if (loading[id]) { loading[id] = "again"; return; }
    loading[id] = true;
    get(stepUrl.replace(/\/0\/$/, "/" + id + "/")).then(function (html) {
      apply(html, null, false);
    }).catch(function () { refreshBoard(); }).then(function () {
      var again = loading[id] === "again";
      delete loading[id];
      if (again) refreshStep(id);
    });
  }

  // One note, when only it changed: as much work for the server as one note, not a whole step.
  var loadingNote = {};
  function refreshNote(id, step) {
    if (loadingNote[id]) { loadingNote[id] = "again"; return; }
    loadingNote[id] = true;
    get(noteUrl.replace(/\/0\/$/, "/" + id + "/")).then(function (html) {
      apply(html, null, false);
      if (!document.getElementById("note-" + id)) refreshStep(step); // nowhere to put it
    }).catch(function () { refreshStep(step); }).then(function () {
      var again = loadingNote[id] === "again";
      delete loadingNote[id];
      if (again) refreshNote(id, step);
    });
  }

  var boardLoading = false;
  var boardAgain = false;
  var afterBoard = [];
  function refreshBoard(then) {
    if (then) afterBoard.push(then);
    if (boardLoading) { boardAgain = true; return; }
    boardLoading = true;
    get(boardUrl).then(function (html) {
      apply(html, null, false);
    }).catch(function () { /* the next change or reconnect tries again */ }).then(function () {
      boardLoading = false;
      if (boardAgain) { boardAgain = false; refreshBoard(); return; }
      var todo = afterBoard;
      afterBoard = [];
      todo.forEach(function (f) { f(); });
    });
  }

  function bringTo(axisId) {
    var heading = document.getElementById("axis-" + axisId + "-title");
    if (!heading) return;
    var active = document.activeElement;
    var typing = active && (active.tagName === "TEXTAREA" || active.tagName === "INPUT") && active.value !== active.defaultValue;
    heading.scrollIntoView({block: "start"});
    if (!typing) heading.focus({preventScroll: true});
    announce(live.dataset.focusText + " " + heading.textContent.trim(), false);
  }

  // A vote: the event has the note's count, the same for everyone, and this page's own dots did
  // not change: nothing to fetch. A note not on this page (hidden from this viewer) stays so.
  var plural = window.Intl && Intl.PluralRules ? new Intl.PluralRules(document.documentElement.lang) : null;
  function showDots(noteId, count) {
    var shown = document.querySelector("#note-" + noteId + " .board-note-dots");
    if (!shown) return;
    var one = plural ? plural.select(count) === "one" : count === 1;
    shown.textContent = (one ? live.dataset.dotsOne : live.dataset.dotsOther).replace("{n}", count);
  }

  // A note posted, edited or voted for, in a step whose notes are all shown: only the note is
  // fetched (a new one needs the list it goes into on the page).
  function cheapNote(event, stepId) {
    var step = document.getElementById("step-" + stepId);
    if (!step || step.classList.contains("is-hidden")) return false;
    if (document.getElementById("note-" + event.note)) return true;
    return event.op === "add" && !!document.getElementById("step-" + stepId + "-loose");
  }

  function onChange(event) {
    var revision = event.revision || 0;
    if (revision <= last) return; // already on the page (a whole board fetched meanwhile)
    var skipped = revision > last + 1;
    last = revision;
    var steps = event.steps || (event.step ? [event.step] : []);
    if (event.change === "focus") {
      refreshBoard(function () { bringTo(event.axis); });
    } else if (skipped || !steps.length || ["note", "dots", "step"].indexOf(event.change) < 0) {
      if (event.change !== "milestone" && event.change !== "participants") refreshBoard();
      else if (skipped) refreshBoard();
    } else if (event.change === "dots" && typeof event.dots === "number") {
      showDots(event.note, event.dots);
    } else if (event.note && steps.length === 1 && cheapNote(event, steps[0])) {
      refreshNote(event.note, steps[0]);
    } else {
      steps.forEach(refreshStep);
    }
  }

  // -- the websocket, reconnecting with a growing delay

  var socket = null;
  var delay = 1000;
  var closing = false;
  function connect() {
    socket = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + wsPath);
    socket.addEventListener("open", function () {
      delay = 1000;
      connection.textContent = "";
      live.dataset.connected = "true"; // for the browser tests: the page now hears changes
    });
    socket.addEventListener("message", function (message) {
      var data;
      try { data = JSON.parse(message.data); } catch (e) { return; }
      if (data.type === "hello") {
        // Changes may have happened before this socket joined (the page's load, a reconnect).
        if (data.revision !== last) refreshBoard();
      } else if (data.type === "change") {
        onChange(data);
      }
    });
    socket.addEventListener("close", function (event) {
      live.dataset.connected = "false";
      if (closing) return;
      if (event.code === 4401 || event.code === 4404) return; // refused: reloading will not help
      if (event.code === 4403) { connection.textContent = live.dataset.revoked; return; } // a guest's old link
      connection.textContent = live.dataset.offline;
      setTimeout(connect, delay / 2 + Math.random() * delay / 2);
      delay = Math.min(delay * 2, 30000);
    });
  }
  if ("WebSocket" in window) {
    window.addEventListener("pagehide", function () { closing = true; if (socket) socket.close(); });
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) { closing = false; connect(); }
    });
    connect();
  }

  // -- the "move to" list, fetched when asked for (it would make every fragment heavier)

  live.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.board-move-link");
    if (!link) return;
    event.preventDefault();
    get(link.href).then(function (html) {
      var template = document.createElement("template");
      template.innerHTML = html.trim();
      var form = template.content.querySelector("form");
      if (!form || !link.isConnected) return;
      form.dataset.openedFrom = link.id;
      link.replaceWith(form);
      var select = form.querySelector("select");
      if (select) select.focus();
    }).catch(function () { window.location.href = link.href; });
  });

  // -- forms, sent in the background

  live.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post") return;
    event.preventDefault();
    if (form.dataset.busy) return; // a double click sends once
    form.dataset.busy = "1";
    var body = new FormData(form);
    var submitter = event.submitter;
    if (submitter && submitter.name) body.append(submitter.name, submitter.value);
    var buttons = form.querySelectorAll("button");
    buttons.forEach(function (b) { b.setAttribute("aria-disabled", "true"); });
    fetch(form.action, {method: "POST", body: body, headers: {"HX-Request": "true"}, credentials: "same-origin"})
      .then(function (response) {
        return response.text().then(function (html) {
          var isError = !response.ok;
          // Our own change, the very next one: its event will bring nothing new.
          var made = parseInt(response.headers.get("X-Board-Revision"), 10);
          if (made === last + 1) last = made;
          var swapped = apply(html, form, isError);
          if (!swapped) announce(live.dataset.offline, true);
          if (!isError && form.classList.contains("board-post")) {
            var fresh = document.getElementById(form.id);
            var text = fresh && fresh.querySelector("textarea");
            if (text) text.focus();
          }
        });
      })
      .catch(function () { announce(live.dataset.offline, true); })
      .then(function () {
        delete form.dataset.busy;
        buttons.forEach(function (b) { b.removeAttribute("aria-disabled"); });
      });
  });

  // -- the timer

  var tick = null;
  var saidUp = null;
  function startTimer(quiet) {
    clearInterval(tick);
    var timer = document.getElementById("board-timer");
    if (!timer || !timer.dataset.endsAt) return;
    var ends = Date.parse(timer.dataset.endsAt);
    var left = timer.querySelector(".board-timer-left");
    function show() {
      var seconds = Math.max(0, Math.round((ends - Date.now()) / 1000));
      if (seconds === 0) {
        left.textContent = live.dataset.timeUp;
        timer.classList.add("is-over");
        clearInterval(tick);
        if (saidUp !== timer.dataset.endsAt) {
          saidUp = timer.dataset.endsAt;
          if (!quiet) announce(live.dataset.timeUp, false);
        }
        return;
      }
      var m = Math.floor(seconds / 60);
      var s = seconds % 60;
      left.textContent = live.dataset.timeLeft.replace("{time}", m + ":" + (s < 10 ? "0" : "") + s);
    }
    show();
    quiet = false;
    tick = setInterval(show, 1000);
  }
  startTimer(true); // a time already up when the page opens is shown, not announced
})();
