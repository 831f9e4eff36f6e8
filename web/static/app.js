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
  // A button marked data-confirm-click (signing from the record's own form)
  // asks first; confirmed, the form says so and the server signs what it
  // carries at once. Without this script the server shows a confirmation
  // page instead.
  document.addEventListener("click", function (e) {
    var btn = e.target.closest && e.target.closest("[data-confirm-click]");
    if (!btn) {
      return;
    }
    if (!window.confirm(btn.getAttribute("data-confirm-click"))) {
      e.preventDefault();
      return;
    }
    var flag = btn.form && btn.form.querySelector("[data-confirmed]");
    if (flag) {
      flag.value = "yes";
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
