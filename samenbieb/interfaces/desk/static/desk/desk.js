// The circulation desk, progressively enhanced. Everything works without this file:
// it only adds the Escape key to finish with a member and a print button.
(function () {
  "use strict";
  var scan = document.getElementById("scan-barcode");
  var done = document.getElementById("patron-done");
  if (scan && done) {
    scan.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") { return; }
      event.preventDefault();
      if (scan.value) { scan.value = ""; } else { done.form.submit(); }
    });
  }
  var printers = document.querySelectorAll("[data-print]");
  for (var i = 0; i < printers.length; i++) {
    printers[i].hidden = false;
    printers[i].addEventListener("click", function () { window.print(); });
  }
  // A scanner types fast and ends with Enter: one submit per scan, never two.
  var form = document.getElementById("scan-form");
  if (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.sent) { event.preventDefault(); return; }
      form.dataset.sent = "1";
    });
    // Back from the history cache: the form may be sent again.
    window.addEventListener("pageshow", function () { delete form.dataset.sent; });
  }
})();
