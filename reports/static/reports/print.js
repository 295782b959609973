// The "Print" button of a scorecard or report (data-print): the browser's own print
// dialog, whose page layout reports.css sets for A4.
(function () {
  "use strict";

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
