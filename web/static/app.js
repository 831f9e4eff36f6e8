// Casework's own script. Every page works without it; it only adds comfort.
// Kept as a file (no inline script) so the Content-Security-Policy can forbid
// inline script entirely.
(function () {
  "use strict";
  // Confirm before actions marked data-confirm (signing, sharing).
  document.addEventListener("submit", function (e) {
    var form = e.target;
    var msg = form.getAttribute && form.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) {
      e.preventDefault();
    }
  });
  // Buttons marked data-print print the page (the print stylesheet hides
  // the navigation and the forms).
  document.addEventListener("click", function (e) {
    var el = e.target.closest && e.target.closest("[data-print]");
    if (el) {
      e.preventDefault();
      window.print();
    }
  });
})();
