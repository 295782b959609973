// Actions that cannot be undone: a submit button (or its form) with data-confirm
// asks first with that sentence. Accepted, the form goes out with confirmed=1 and
// the server acts at once; without this script the server asks on a page instead.
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    // The evidence forms of the questionnaire ask in questionnaire.js.
    if (!form.getAttribute || form.hasAttribute("data-ev-form")) return;
    var button = event.submitter;
    var message = (button && button.getAttribute("data-confirm")) ||
      form.getAttribute("data-confirm");
    var flag = form.querySelector("input[name='confirmed']");
    if (!message) {
      // Left from an earlier confirmed click (back button): never carried over.
      if (flag && flag.hasAttribute("data-added")) flag.remove();
      return;
    }
    if (!window.confirm(message)) {
      event.preventDefault();
      return;
    }
    if (!flag) {
      flag = document.createElement("input");
      flag.type = "hidden";
      flag.name = "confirmed";
      flag.setAttribute("data-added", "");
      form.appendChild(flag);
    }
    flag.value = "1";
  });
})();
