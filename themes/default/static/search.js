// Search of the handbook, run by search/index.html. Reads ?q= (and kind, cat) from the
// address and lists every page whose text contains each term, after the normalisation
// of src/search/normalize.rs (whose twin is norm() below). The index parts it needs are
// loaded by <script> tags that call tebikiSearch(): no fetch, worker or WebAssembly, so
// it works from file:// and under script-src 'self'. Format: src/search/mod.rs.
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  if (!form) return;
  var $ = function (id) { return document.getElementById(id); };
  var input = $("search-q"), kindSel = $("search-kind"), catSel = $("search-cat"),
    status = $("search-status"), list = $("search-results"), more = $("search-more");
  $("search-nojs").hidden = true;
  form.hidden = false;

  var DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVabcdefghijklmnopqrstuvWXYZwxyz-_";
  var DV = new Int8Array(128);
  for (var i = 0; i < 64; i++) DV[DIGITS.charCodeAt(i)] = i;
  var ALPHA = "";
  for (i = 32; i < 127; i++) if (i !== 34 && i !== 92) ALPHA += String.fromCharCode(i);
  var AV = {};
  for (i = 0; i < ALPHA.length; i++) AV[ALPHA[i]] = i;
  var ONE = 80, FILE = location.protocol === "file:";

  // ------------------------------------------------------------ loading
  var loaded = {}, waiting = {};
  window.tebikiSearch = function (key, data) {
    loaded[key] = data;
    (waiting[key] || []).forEach(function (w) { w[0](data); });
    delete waiting[key];
  };
  function load(key) {
    if (key in loaded) return Promise.resolve(loaded[key]);
    return new Promise(function (ok, fail) {
      if (waiting[key]) return waiting[key].push([ok, fail]);
      waiting[key] = [[ok, fail]];
      var s = document.createElement("script");
      s.src = "data/" + key + ".js";
      s.onerror = function () {
        (waiting[key] || []).forEach(function (w) { w[1](new Error(key)); });
        delete waiting[key];
      };
      document.head.appendChild(s);
    });
  }

  // ------------------------------------------------------------ normalisation
  var WS = /[\t-\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;
  var MARK = /^[\p{M}\uff9e\uff9f]$/u;
  // Characters that normalise to themselves and are no mark: copied a run at a time.
  var SAME = "a-z0-9!-/:-@[-`{-~\u3001\u3002\u300c-\u300f\u3041-\u3096\u30a1-\u30fc\u4e00-\u9fff";
  var STABLE = RegExp("^[" + SAME + "]$"), OTHER = RegExp("[^" + SAME + "]", "g");
  // A group: a character and the marks after it.
  function group(g) {
    if (STABLE.test(g)) return g;
    var r = "";
    for (var x of g.normalize("NFKC")) if (!WS.test(x)) r += x === "ς" ? "σ" : x.toLowerCase();
    return r;
  }
  // Per BMP character, as met: its group alone, and whether it is a mark (1 no, 2 yes).
  var ONE1 = new Map(), ISMARK = new Uint8Array(65536);
  function mark(t, j) {
    var c = t.codePointAt(j);
    if (c > 65535) return MARK.test(String.fromCodePoint(c));
    return (ISMARK[c] || (ISMARK[c] = MARK.test(t[j]) ? 2 : 1)) > 1;
  }
  // The normalised text and, with map, where its UTF-16 units came from: triples of
  // (unit, start, end), a unit on from there coming from start on one by one (end 0) or
  // every one of them from the group [start, end).
  function norm(t, map) {
    var s = "", m = [], i = 0, n = t.length, o = 0, d = NaN, k, r;
    while (i < n) {
      OTHER.lastIndex = i;
      k = OTHER.exec(t) ? OTHER.lastIndex - 1 : n;
      if (k < n && k > i && mark(t, k)) k--;
      if (k > i) {
        if (d !== i - o) m.push(o, i, 0), d = i - o;
        s += t.slice(i, k);
        o += k - i;
        if ((i = k) >= n) break;
      }
      var u = t.charCodeAt(i), j = i + (u > 0xd7ff && u < 0xdc00 && (t.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? 2 : 1);
      while (j < n && mark(t, j)) j += t.codePointAt(j) > 65535 ? 2 : 1;
      if (j > i + 1) r = group(t.slice(i, j));
      else if ((r = ONE1.get(u)) === undefined) ONE1.set(u, r = group(t[i]));
      if (j > i + 1 || r.length !== 1) { if (r) m.push(o, i, j); d = NaN; }
      else if (d !== i - o) m.push(o, i, 0), d = i - o;
      s += r;
      o += r.length;
      i = j;
    }
    return map ? { s: s, m: m } : s;
  }
  // Where unit x of page g's normalised text came from: its start, or with end its end.
  function orig(g, x, end) {
    var m = g.n.m, lo = 0, hi = m.length / 3 - 1;
    while (lo < hi) { var h = (lo + hi + 1) >> 1; if (m[3 * h] <= x) lo = h; else hi = h - 1; }
    lo *= 3;
    return m[lo + 2] ? (end ? m[lo + 2] : m[lo + 1]) : m[lo + 1] + x - m[lo] + (end ? 1 : 0);
  }

  // ------------------------------------------------------------ index
  var M; // m.js: sizes, text code, kinds and categories, page codes
  function hash(cs) {
    var h = 0x811c9dc5;
    for (var c of cs) h = Math.imul(h ^ c.codePointAt(0), 0x01000193) >>> 0;
    return h;
  }
  function bucket(cs) { return load("g" + (hash(cs) % M.b)); }
  function numbers(p, from, each) {
    for (var v = 0, i = from; i < p.length; i++) {
      var d = DV[p.charCodeAt(i)];
      if (d >= 32) v = v * 32 + d - 32;
      else { each(v * 32 + d); v = 0; }
    }
  }
  // A list's postings into P (pages) and W (weights); returns how many. Loops, not
  // callbacks: this runs before the engine has compiled it, on up to 20,000 postings.
  var P, W;
  function postings(p) {
    var n = 0, prev = -1, from = 0, v = 0, i, d, k;
    if (p[0] === "!")
      for (from = 1 + Math.ceil(M.n / 6), i = 1; i < from; i++)
        for (d = DV[p.charCodeAt(i)], k = 0; k < 6; k++) if ((d >> k) & 1) { P[n] = (i - 1) * 6 + k; W[n++] = 0; }
    for (i = from; i < p.length; i++) {
      d = DV[p.charCodeAt(i)];
      if (d >= 32) v = v * 32 + d - 32;
      else {
        v = v * 32 + d;
        P[n] = prev += 1 + Math.floor(v / 4);
        W[n++] = v % 4;
        v = 0;
      }
    }
    return n;
  }
  // Pages holding term t (ps) with weight (w, -1 for none) and grams matched (c) by
  // page, exact for short terms; for longer ones the candidates, checked against page
  // texts as they are shown. Arrays by page: a common term is on most pages.
  function lookup(t) {
    var cs = Array.from(t), L = cs.length, w = new Int8Array(M.n).fill(-1),
      c = new Int32Array(M.n), ps = [], hits = { w: w, c: c, ps: ps, exact: L <= M.k };
    if (L <= M.k)
      return bucket(cs.slice(0, 2)).then(function (g) {
        for (var i = 0; i < g.length; i += 2)
          if (L === 1 ? g[i] === t : g[i].startsWith(t))
            for (var j = 0, m = postings(g[i + 1]); j < m; j++) {
              var p = P[j], x = W[j];
              if (w[p] < 0) { ps.push(p); w[p] = x; } else if (x > w[p]) w[p] = x;
              c[p]++;
            }
        return hits;
      });
    var at = [];
    for (var i = 0; i + M.k < L; i += M.k) at.push(i);
    at.push(L - M.k);
    return Promise.all(at.map(function (i) {
      return bucket(cs.slice(i, i + 2)).then(function (g) {
        var gram = cs.slice(i, i + M.k).join(""), one = new Int8Array(M.n).fill(-1);
        for (var j = 0; j < g.length; j += 2)
          if (g[j] === gram) for (var k = 0, m = postings(g[j + 1]); k < m; k++) if (W[k] > one[P[k]]) one[P[k]] = W[k];
        return one;
      });
    })).then(function (sets) {
      // Candidates, ranked by their weakest gram; the page texts decide.
      for (var p = 0; p < M.n; p++) {
        for (var x = 3, j = 0; j < sets.length; j++) x = Math.min(x, sets[j][p]);
        if (x >= 0) { ps.push(p); w[p] = x; c[p] = 1; }
      }
      return hits;
    });
  }

  // ------------------------------------------------------------ page texts
  var pages = {};
  // A code is one character of ALPHA (below r, ONE of them) or a lead from r on and one more.
  var CODE = /[r-~][ !#-[\]-~]|[ !#-[\]-q]/g;
  function decode(s) {
    return s.replace(CODE, function (x) {
      return M.c[x.length > 1 ? ONE + (AV[x[0]] - ONE) * ALPHA.length + AV[x[1]] : AV[x]];
    });
  }
  function page(p) {
    if (pages[p]) return Promise.resolve(pages[p]);
    return load("t" + Math.floor(p / M.p)).then(function (shard) {
      var r = shard[p % M.p], text = decode(r[2]);
      return (pages[p] = { page: p, url: r[0], title: text.slice(0, r[1]), tl: r[1], text: text, anchors: r[3], n: norm(text, true) });
    });
  }
  // Every occurrence of t in page g: positions in its normalised text.
  function find(g, t) {
    var out = [];
    for (var i = g.n.s.indexOf(t); i >= 0; i = g.n.s.indexOf(t, i + 1)) out.push(i);
    return out;
  }
  // ------------------------------------------------------------ search
  var seq = 0, results = [], terms = [], shown = 0;
  function termsOf(q) {
    var out = [];
    q.split(/[\s\x85]+/).forEach(function (t) {
      t = norm(t);
      if (t && out.indexOf(t) < 0) out.push(t);
    });
    return out;
  }
  var codes;
  function allowed(p) {
    var c = codes[p], nc = M.cats.length / 2 + 1, kind = M.kinds[2 * Math.floor(c / nc)],
      cat = c % nc ? M.cats[2 * (c % nc - 1)] : "";
    return (!kindSel.value || kind === kindSel.value) && (!catSel.value || cat === catSel.value);
  }
  // results: candidates in rank order; checked: whether all of them are known to match
  // (else each is checked against its text when its turn to be shown comes).
  var checked = true, cursor = 0;
  function start() {
    return M ? Promise.resolve() : load("m").then(function (m) {
      if (M) return;
      M = m;
      M.c = Array.from(M.c);
      P = new Int32Array(2 * M.n);
      W = new Int8Array(2 * M.n);
      codes = [];
      numbers(M.pk, 0, function (v) { codes.push(v); });
    });
  }
  function run() {
    var q = input.value, me = ++seq;
    terms = termsOf(q);
    if (!terms.length) {
      list.textContent = "";
      more.hidden = true;
      status.textContent = "検索する語句を入力してください。";
      return finish(q, 0);
    }
    status.textContent = "検索しています…";
    list.setAttribute("aria-busy", "true");
    start().then(function () {
      if (me === seq) return Promise.all(terms.map(lookup));
    }).then(function (found) {
      if (me !== seq) return;
      // Score (reversed) and page (ties in page order) as one number: a native sort, and
      // the page of results[i] is results[i] % M.n.
      var n = M.n, ps = found[0].ps, keys = new Float64Array(ps.length), k = 0, x, y, p, s, f,
        filter = kindSel.value || catSel.value;
      for (x = 0; x < ps.length; x++) {
        p = ps[x];
        if (filter && !allowed(p)) continue;
        for (s = y = 0; y < found.length && (f = found[y]).w[p] >= 0; y++) s += f.w[p] * 1000 + Math.min(f.c[p], 999);
        if (y === found.length) keys[k++] = (4000 * y - s) * n + p;
      }
      results = keys.subarray(0, k).sort();
      checked = found.every(function (f) { return f.exact; });
      cursor = shown = 0;
      list.textContent = "";
      // One screen first: as many results as the window shows from the list's top (about
      // 100 px each), 5 to 10. Each loads a text file: ten took 25-40 ms, five 15-20.
      var screen = Math.ceil((innerHeight - list.getBoundingClientRect().top) / 100);
      return show(me, Math.min(10, Math.max(5, screen))).then(function () { report(q, me); });
    }).catch(function () {
      if (me !== seq) return;
      status.textContent = "検索用のデータを読み込めませんでした。";
      finish(q, 0);
    });
  }
  function report(q, me) {
    if (me !== seq) return;
    var known = checked || cursor >= results.length, n = checked ? results.length : shown;
    q = "「" + q.trim() + "」";
    status.textContent = !n && known ? q + "を含むページはありません。"
      : q + "を含むページ：" + n + "件" + (known ? "" : "以上") + (n > shown ? "（" + shown + "件を表示）" : "");
    finish(input.value, known ? n : -1);
  }
  function finish(q, n) {
    list.removeAttribute("aria-busy");
    list.setAttribute("data-query", q);
    list.setAttribute("data-total", n);
    // Address and title when idle after the results are drawn (a few ms, up to 14).
    requestAnimationFrame(function () {
      var f = function () { sync(q); };
      window.requestIdleCallback ? requestIdleCallback(f) : setTimeout(f);
    });
  }
  // Shows the next `want` results (checking candidates first); resolves to the first
  // new link.
  function show(me, want) {
    var batch = [];
    function step() {
      if (me !== seq || batch.length >= want || cursor >= results.length) return Promise.resolve();
      var next = Array.from(results.subarray(cursor, cursor + want - batch.length), function (x) { return x % M.n; });
      cursor += next.length;
      return Promise.all(next.map(page)).then(function (gs) {
        gs.forEach(function (g) {
          if (checked || terms.every(function (t) { return g.n.s.indexOf(t) >= 0; })) batch.push(g);
        });
        return step();
      });
    }
    return step().then(function () {
      if (me !== seq) return;
      var firstNew, all = document.createDocumentFragment();
      batch.forEach(function (g) {
        var li = all.appendChild(item(g));
        firstNew = firstNew || li.firstChild;
      });
      list.appendChild(all);
      shown += batch.length;
      more.hidden = cursor >= results.length;
      more.textContent = checked ? "さらに表示（残り" + (results.length - shown) + "件）" : "さらに表示";
      return firstNew;
    });
  }
  function href(url, id) {
    return "../" + url + (FILE ? "index.html" : "") + (id ? "#" + id : "");
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }
  function item(g) {
    var li = el("li"), a = el("a", "", g.title);
    a.href = href(g.url);
    li.appendChild(a);
    var c = codes[g.page], nc = M.cats.length / 2 + 1;
    li.appendChild(document.createTextNode(" "));
    li.appendChild(el("span", "kind", M.kinds[2 * Math.floor(c / nc) + 1]));
    if (c % nc) {
      li.appendChild(document.createTextNode(" "));
      li.appendChild(el("span", "kind", M.cats[2 * (c % nc - 1) + 1]));
    }
    // The excerpt around the first occurrence of any term, every occurrence marked.
    var hits = [];
    terms.forEach(function (t) {
      find(g, t).forEach(function (i) { hits.push([orig(g, i), orig(g, i + t.length - 1, 1)]); });
    });
    hits.sort(function (x, y) { return x[0] - y[0]; });
    if (!hits.length) return li;
    // The title is shown already: excerpt the first match after it, if any.
    var after = hits.filter(function (h) { return h[0] >= g.tl; });
    var at = (after[0] || hits[0])[0], from = Math.max(at - 40, 0), to = Math.min(at + 90, g.text.length);
    var ex = el("p", "search-excerpt"), pos = from;
    if (from > 0) ex.appendChild(document.createTextNode("…"));
    hits.forEach(function (h) {
      if (h[0] < pos || h[0] >= to) return;
      ex.appendChild(document.createTextNode(g.text.slice(pos, h[0])));
      ex.appendChild(el("mark", "", g.text.slice(h[0], h[1])));
      pos = h[1];
    });
    if (pos < to) ex.appendChild(document.createTextNode(g.text.slice(pos, to)));
    if (to < g.text.length) ex.appendChild(document.createTextNode("…"));
    li.appendChild(ex);
    // The heading the match stands under.
    var id = "", label = "";
    for (var k = 0; k < g.anchors.length; k += 4)
      if (g.anchors[k] <= at) {
        id = g.anchors[k + 2];
        label = g.anchors[k + 3] || g.text.slice(g.anchors[k], g.anchors[k + 1]);
      }
    if (id) {
      var w = el("p", "search-where", "該当箇所：");
      var h = el("a", "", label);
      h.href = href(g.url, id);
      w.appendChild(h);
      li.appendChild(w);
    }
    return li;
  }

  // ------------------------------------------------------------ address and events
  function sync(q) {
    var params = new URLSearchParams();
    if (q) params.set("q", q);
    if (kindSel.value) params.set("kind", kindSel.value);
    if (catSel.value) params.set("cat", catSel.value);
    var s = params.toString();
    try {
      history.replaceState(null, "", s ? "?" + s : location.pathname);
    } catch (e) { /* some file:// settings forbid it; the results stand */ }
    document.title = (q.trim() ? "「" + q.trim() + "」の検索結果 | " : "") + base;
  }
  var base = document.title;
  function fromAddress() {
    var params = new URLSearchParams(location.search);
    input.value = params.get("q") || "";
    kindSel.value = params.get("kind") || "";
    catSel.value = params.get("cat") || "";
    run();
  }
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    run();
  });
  input.addEventListener("input", run);
  kindSel.addEventListener("change", run);
  catSel.addEventListener("change", run);
  more.addEventListener("click", function () {
    var me = seq;
    list.setAttribute("aria-busy", "true");
    show(me, 20).then(function (a) {
      if (a) a.focus();
      report(input.value, me);
    });
  });
  window.addEventListener("popstate", fromAddress);
  // The manifest loads with the page, not at the first query.
  start().catch(function () { /* each query says so */ });
  fromAddress();
})();
