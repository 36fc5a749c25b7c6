/* 年报检索: small improvements over pages that work without JavaScript (no inline script: the
   Content-Security-Policy allows scripts from this site only). */
(function () {
  "use strict";

  /* the report page: step through the marked hits with the buttons or n / N (p) */
  function hitNavigation() {
    var hits = document.querySelectorAll("mark.hit"), n = hits.length;
    var prev = document.getElementById("prev-hit"), next = document.getElementById("next-hit");
    var pos = document.getElementById("hit-pos");
    if (!n || !prev || !next) return;
    var cur = 0;
    function fromHash() {
      var m = /^#hit-(\d+)$/.exec(location.hash);
      cur = m ? Math.min(n, Math.max(1, +m[1])) : 0;
      for (var i = 0; i < n; i++) hits[i].classList.toggle("current", i + 1 === cur);
      if (pos) pos.textContent = cur ? cur + " / " + n : "共 " + n + " 处";
    }
    function go(k) {
      k = ((k - 1 + n) % n) + 1;
      cur = k;  // at once: a second key press comes before the hashchange event
      location.hash = "hit-" + k;
    }
    prev.addEventListener("click", function (e) { e.preventDefault(); go(cur ? cur - 1 : n); });
    next.addEventListener("click", function (e) { e.preventDefault(); go(cur + 1); });
    document.addEventListener("keydown", function (e) {
      var t = e.target && e.target.tagName;
      if (e.ctrlKey || e.metaKey || e.altKey || t === "INPUT" || t === "TEXTAREA" || t === "SELECT") return;
      if (e.key === "n") { e.preventDefault(); go(cur + 1); }
      else if (e.key === "N" || e.key === "p") { e.preventDefault(); go(cur ? cur - 1 : n); }
    });
    window.addEventListener("hashchange", fromHash);
    fromHash();
  }

  /* selects that apply at once (a <noscript> button does it without JavaScript) */
  function autoSubmit() {
    var selects = document.querySelectorAll("select.autosubmit");
    for (var i = 0; i < selects.length; i++) {
      selects[i].addEventListener("change", function () { this.form.submit(); });
    }
  }

  /* on a phone the filters start folded behind the 筛选 button (without JavaScript they stay
     open, after the results: style.css, html:not(.js)) */
  function foldFilters() {
    document.documentElement.classList.add("js");
    var d = document.querySelector("details.filters");
    if (d && window.matchMedia && window.matchMedia("(max-width: 800px)").matches) d.open = false;
  }

  /* compare: 2 to 5 reports */
  function compareLimit() {
    var form = document.getElementById("cmp");
    if (!form) return;
    /* the reports ticked are kept for the tab (sessionStorage), so that reports on different pages
       of the results can be compared; without JavaScript only the current page's ticks are sent */
    var KEY = "nianbao-compare", chosen = [];
    try { chosen = JSON.parse(window.sessionStorage.getItem(KEY) || "[]"); } catch (e) { chosen = []; }
    if (!Array.isArray(chosen)) chosen = [];
    var boxes = document.querySelectorAll("input[name=id][form=cmp]");
    var count = form.querySelector(".compare-count"), clear = form.querySelector(".compare-clear");
    function show() {
      try { window.sessionStorage.setItem(KEY, JSON.stringify(chosen)); } catch (e) { /* private mode */ }
      if (count) count.textContent = chosen.length ? "已选 " + chosen.length + " 份（可翻页继续勾选）" : "";
      if (clear) clear.hidden = chosen.length === 0;
    }
    for (var i = 0; i < boxes.length; i++) {
      boxes[i].checked = chosen.indexOf(boxes[i].value) >= 0;
      boxes[i].addEventListener("change", function () {
        var at = chosen.indexOf(this.value);
        if (this.checked && at < 0) chosen.push(this.value);
        if (!this.checked && at >= 0) chosen.splice(at, 1);
        show();
      });
    }
    if (clear) clear.addEventListener("click", function () {
      chosen = [];
      for (var i = 0; i < boxes.length; i++) boxes[i].checked = false;
      show();
    });
    show();
    form.addEventListener("submit", function (e) {
      if (chosen.length < 2 || chosen.length > 5) {
        e.preventDefault(); alert("请勾选 2 到 5 份报告再对比（现在是 " + chosen.length + " 份）"); return;
      }
      var here = {};
      for (var i = 0; i < boxes.length; i++) here[boxes[i].value] = true;
      for (var k = 0; k < chosen.length; k++) {
        if (here[chosen[k]]) continue;  /* ticked on another page: sent as a hidden field */
        var input = document.createElement("input");
        input.type = "hidden"; input.name = "id"; input.value = chosen[k];
        form.appendChild(input);
      }
      try { window.sessionStorage.removeItem(KEY); } catch (err) { /* private mode */ }
    });
  }

  /* autocomplete for places and bodies, from the app (no network beyond it): the ARIA combobox
     pattern (input role=combobox, a listbox of options, aria-activedescendant); arrow keys move,
     Enter chooses and searches, Escape closes; a mouse click chooses too */
  function suggest() {
    var input = document.getElementById("q"), list = document.getElementById("suggest");
    var status = document.getElementById("suggest-status");
    if (!input || !list || !window.fetch) return;
    var timer = null, asked = "", active = -1, items = [];
    function close() {
      list.hidden = true; list.textContent = ""; items = []; active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }
    function highlight(k) {
      active = k;
      for (var i = 0; i < items.length; i++) items[i].setAttribute("aria-selected", i === k ? "true" : "false");
      if (k >= 0) {
        input.setAttribute("aria-activedescendant", items[k].id);
        items[k].scrollIntoView({ block: "nearest" });
      } else input.removeAttribute("aria-activedescendant");
    }
    function choose(li) {
      input.value = li.getAttribute("data-query");
      close();
      if (input.form) input.form.submit();
    }
    function show(data, head) {
      list.textContent = ""; items = []; active = -1;
      (data.suggestions || []).forEach(function (s, i) {
        var li = document.createElement("li"), f = document.createElement("span");
        li.id = "suggest-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.setAttribute("data-query", (head ? head + " " : "") + s.query);
        f.className = "field"; f.textContent = s.label.slice(0, s.label.length - s.value.length).trim();
        li.appendChild(f);
        li.appendChild(document.createTextNode(s.value));
        li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(li); });
        list.appendChild(li);
        items.push(li);
      });
      if (status) status.textContent = items.length ? items.length + " 条建议，用上下方向键选择" : "";
      if (!items.length) { close(); return; }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var words = input.value.split(/\s+/), word = words[words.length - 1];
        if (!word || /[:"()]/.test(word)) { asked = ""; close(); return; }
        if (word === asked) return;
        asked = word;
        var head = words.slice(0, -1).join(" ");
        var carry = input.getAttribute("data-carry");  // partial=1 when the page was asked with it
        if (status) status.textContent = "正在查找…";
        fetch("/api/suggest?limit=10&prefix=" + encodeURIComponent(word) + (carry ? "&" + carry : ""))
          .then(function (r) { return r.json(); })
          .then(function (data) { if (asked === word) show(data, head); })
          .catch(function () {});
      }, 120);
    });
    input.addEventListener("keydown", function (e) {
      if (list.hidden || !items.length) return;
      if (e.key === "ArrowDown") { e.preventDefault(); highlight((active + 1) % items.length); }
      else if (e.key === "ArrowUp") { e.preventDefault(); highlight(active <= 0 ? items.length - 1 : active - 1); }
      else if (e.key === "Enter" && active >= 0) { e.preventDefault(); choose(items[active]); }
      else if (e.key === "Escape") { e.preventDefault(); close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
  }

  /* the report page: a table cell's link marks its number in the text (the #fragment alone scrolls
     there and :target marks it without the script; this also marks the pieces of a number that a
     hit cut in two, and moves the focus for keyboard users) */
  function cellTargets() {
    var links = document.querySelectorAll("a.cell-link");
    if (!links.length) return;
    function mark() {
      var old = document.querySelectorAll(".cell-src.targeted");
      for (var i = 0; i < old.length; i++) old[i].classList.remove("targeted");
      var id = decodeURIComponent(location.hash.slice(1));
      var el = id && id.indexOf("src-") === 0 ? document.getElementById(id) : null;
      if (!el) return;
      for (var n = el; n && n.classList && n.classList.contains("cell-src"); n = nextPiece(n)) n.classList.add("targeted");
      el.setAttribute("tabindex", "-1");
      el.focus({ preventScroll: true });
    }
    function nextPiece(n) {  /* the following piece of the same number: no id, right after it */
      var next = n.nextSibling || (n.parentNode && n.parentNode.tagName === "MARK" ? n.parentNode.nextSibling : null);
      if (next && next.nodeType === 1 && next.tagName === "MARK") next = next.firstChild;
      return next && next.nodeType === 1 && next.classList.contains("cell-src") && !next.id ? next : null;
    }
    window.addEventListener("hashchange", mark);
    mark();
  }

  /* exports: say that the download started (the page does not wait for it) */
  function exportNotice() {
    var links = document.querySelectorAll("a.export");
    for (var i = 0; i < links.length; i++) {
      links[i].addEventListener("click", function () {
        var s = document.createElement("span");
        s.className = "muted small"; s.setAttribute("role", "status");
        s.textContent = " 正在准备下载…";
        this.parentNode.appendChild(s);
        setTimeout(function () { s.remove(); }, 4000);
      });
    }
  }

  /* the report page: part links scroll to the exact place of the heading in the text */
  function partLinks() {
    var pre = document.querySelector("pre.text");
    var links = document.querySelectorAll("a.part-link");
    if (!pre || !links.length) return;
    function place(offset) {
      var walker = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT), node, seen = 0;
      while ((node = walker.nextNode())) {
        if (seen + node.length > offset) return { node: node, at: offset - seen };
        seen += node.length;
      }
      return null;
    }
    for (var i = 0; i < links.length; i++) {
      links[i].addEventListener("click", function (e) {
        var p = place(+this.getAttribute("data-offset"));
        if (!p) return;
        e.preventDefault();
        var range = document.createRange();
        range.setStart(p.node, p.at);
        var mark = document.createElement("span");
        mark.className = "part-anchor";
        mark.id = "part-" + this.getAttribute("data-part");
        var old = document.getElementById(mark.id);
        if (old) old.remove();
        range.insertNode(mark);
        mark.scrollIntoView({ block: "start" });
        history.replaceState(null, "", "#" + mark.id);
      });
    }
  }

  /* a search (or a click on a facet, a page, a sort) that takes more than a moment says so: the
     results are marked busy and a status line appears until the next page arrives */
  function loadingState() {
    var results = document.getElementById("results");
    if (!results) return;
    function busy() {
      if (results.getAttribute("aria-busy") === "true") return;
      results.setAttribute("aria-busy", "true");
      var p = document.createElement("p");
      p.className = "loading"; p.setAttribute("role", "status"); p.textContent = "正在检索…";
      results.insertBefore(p, results.firstChild);
    }
    var form = document.getElementById("s");
    if (form) form.addEventListener("submit", function () { setTimeout(busy, 150); });
    document.addEventListener("click", function (e) {
      var a = e.target.closest && e.target.closest("a[href^='/?'], a[href='/']");
      if (a && !a.hasAttribute("download") && !e.ctrlKey && !e.metaKey && !e.shiftKey) setTimeout(busy, 150);
    });
    /* back from the next page (the browser's page cache): not busy any more */
    window.addEventListener("pageshow", function () {
      results.removeAttribute("aria-busy");
      var p = results.querySelector("p.loading");
      if (p) p.remove();
    });
  }

  function ready() { hitNavigation(); partLinks(); cellTargets(); autoSubmit(); foldFilters(); compareLimit(); suggest(); exportNotice(); loadingState(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
