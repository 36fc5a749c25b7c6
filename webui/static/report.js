// Previous / next hit on a report page (was inline; the Content-Security-Policy allows no inline script).
(function () {
  var hits = document.querySelectorAll("mark.hit"), n = hits.length;
  var prev = document.getElementById("prev-hit"), next = document.getElementById("next-hit");
  var pos = document.getElementById("hit-pos");
  if (!n || !prev || !next) return;
  var cur = 0;
  function fromHash() {
    var m = /^#hit-(\d+)$/.exec(location.hash);
    cur = m ? Math.min(n, Math.max(1, +m[1])) : 0;
    if (pos) pos.textContent = cur ? cur + " / " + n : "";
  }
  function go(k) {
    k = ((k - 1 + n) % n) + 1;
    location.hash = "hit-" + k;
  }
  prev.addEventListener("click", function (e) { e.preventDefault(); go(cur ? cur - 1 : n); });
  next.addEventListener("click", function (e) { e.preventDefault(); go(cur + 1); });
  window.addEventListener("hashchange", fromHash);
  fromHash();
})();
