// Sort and per-page menus submit the search form when changed (was an inline onchange attribute;
// the Content-Security-Policy allows no inline script). Without script the <noscript> button does it.
(function () {
  var menus = document.querySelectorAll("select[data-autosubmit]");
  for (var i = 0; i < menus.length; i++) {
    menus[i].addEventListener("change", function () { this.form.submit(); });
  }
})();
