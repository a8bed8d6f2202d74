// tebiki serve only (never part of a built site): reloads this page when a rebuild
// changed it, and shows build errors in a dialog while the last good page stays.
// Loaded by <script src> from the server's own origin, so the site's CSP needs no
// 'unsafe-inline'; EventSource reconnects by itself after a restart.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !window.EventSource) {
    return;
  }
  var src = new URL(script.src);
  var served = src.searchParams.get("g");
  var missing = src.searchParams.get("missing") === "1";
  var own = "__tebiki/reload.js";
  var base = src.pathname.slice(0, src.pathname.length - own.length);
  var dialog = null;

  // The output path of this page, as the server lists changed files.
  function here() {
    var path;
    try {
      path = decodeURIComponent(location.pathname);
    } catch (e) {
      return null;
    }
    if (path.indexOf(base) !== 0) {
      return null;
    }
    var rel = path.slice(base.length);
    if (rel === "" || rel.charAt(rel.length - 1) === "/") {
      rel += "index.html";
    }
    return rel;
  }

  // The output paths this page loads: its stylesheets, scripts and pictures.
  function loaded() {
    var found = {};
    var nodes = document.querySelectorAll("link[href], script[src], img[src], image[href]");
    for (var i = 0; i < nodes.length; i++) {
      var ref = nodes[i].getAttribute("href") || nodes[i].getAttribute("src");
      try {
        var path = decodeURIComponent(new URL(ref, location.href).pathname);
        if (path.indexOf(base) === 0) {
          found[path.slice(base.length)] = true;
        }
      } catch (e) {
        // Not a URL of this site.
      }
    }
    return found;
  }

  // Reload when this page changed, or anything it loads; other changes (another
  // page, the search index) leave it as it is.
  function affected(changed) {
    if (missing || !changed) {
      return true;
    }
    var me = here();
    var uses = loaded();
    for (var i = 0; i < changed.length; i++) {
      var path = changed[i];
      if (path === me || uses[path] || /\.css$/.test(path)) {
        return true;
      }
      // The search page fetches its index as it runs.
      if (me && me.indexOf("search/") === 0 && path.indexOf("search/") === 0) {
        return true;
      }
    }
    return false;
  }

  function show(text) {
    if (!dialog) {
      dialog = document.createElement("dialog");
      dialog.setAttribute("aria-labelledby", "tebiki-serve-error");
      var heading = document.createElement("h2");
      heading.id = "tebiki-serve-error";
      heading.textContent = "ビルドエラー（直す前のページを表示しています）";
      var pre = document.createElement("pre");
      // CSSOM, not a style attribute: the CSP allows it.
      pre.style.whiteSpace = "pre-wrap";
      dialog.appendChild(heading);
      dialog.appendChild(pre);
      document.body.appendChild(dialog);
    }
    dialog.querySelector("pre").textContent = text;
    if (!dialog.open) {
      dialog.showModal();
    }
  }

  function update(event) {
    var state = JSON.parse(event.data);
    if (state.error) {
      show(state.error);
      return;
    }
    if (dialog && dialog.open) {
      dialog.close();
    }
    // The search index and the exports, made after the pages of the same generation:
    // only the search page reads them as it runs (other pages merely link to the
    // feeds and calendars).
    if (event.type === "data") {
      var me = here();
      if (me !== null && me.indexOf("search/") === 0 && affected(state.changed)) {
        location.reload();
      }
      return;
    }
    if (state.generation === served) {
      return;
    }
    if (affected(state.changed)) {
      location.reload();
      return;
    }
    served = state.generation;
  }

  var events = new EventSource(new URL("events", src).href);
  ["state", "reload", "data", "broken"].forEach(function (name) {
    events.addEventListener(name, update);
  });
})();
