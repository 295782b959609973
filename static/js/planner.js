// The planner's what-if: as the person types a hypothetical answer, the form is
// posted (debounced) to the JSON endpoint and the figures are updated in place.
// Nothing is saved by this; without the script the "Recompute" button posts
// the form and the page shows the same figures.
(function () {
  "use strict";

  var form = document.getElementById("planner");
  if (!form || !window.fetch || !window.FormData) return;
  var url = form.getAttribute("data-what-if-url");
  var timer = null;
  var pending = null;

  function setText(selector, text) {
    var node = document.querySelector(selector);
    if (node) node.textContent = text === null || text === undefined ? "—" : String(text);
  }

  function showErrors(errors) {
    form.querySelectorAll("[data-errors]").forEach(function (list) {
      var messages = errors[list.getAttribute("data-errors")] || [];
      list.textContent = "";
      messages.forEach(function (message) {
        var item = document.createElement("li");
        item.textContent = message;
        list.appendChild(item);
      });
    });
  }

  function show(data) {
    showErrors(data.errors || {});
    if (!data.total) return;
    var total = data.total;
    setText("[data-what-if='new']", total.new);
    setText("[data-what-if='max']", total.max);
    setText("[data-what-if='percent_new']", total.percent_new);
    setText("[data-what-if='level_new']", total.level_new);
    setText("[data-what-if='rank_new']", total.rank_new);
    (data.pillars || []).forEach(function (pillar) {
      var row = document.querySelector("[data-pillar='" + CSS.escape(pillar.code) + "']");
      if (!row) return;
      row.classList.toggle("changed", pillar.changed);
      var cell = row.querySelector("[data-pillar-new]");
      if (cell) cell.textContent = pillar["new"];
    });
    form.querySelectorAll("[data-new-points]").forEach(function (cell) {
      var code = cell.getAttribute("data-new-points");
      cell.textContent = data.indicators && code in data.indicators ? data.indicators[code] : "";
    });
  }

  function recompute() {
    if (pending) pending.abort();
    pending = new AbortController();
    var body = new FormData(form);
    body.set("action", "what_if");
    fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-Requested-With": "XMLHttpRequest" },
      signal: pending.signal
    })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(show)
      .catch(function () { /* a newer request, or offline: the button still works */ });
  }

  function later() {
    if (timer) window.clearTimeout(timer);
    timer = window.setTimeout(recompute, 400);
  }

  form.addEventListener("input", function (event) {
    if (event.target.name && event.target.name.indexOf("w-") === 0) later();
  });
  form.addEventListener("change", function (event) {
    if (event.target.name && event.target.name.indexOf("w-") === 0) later();
  });
})();
