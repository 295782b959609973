/* Every page: the service worker, the count of changes not yet sent, pages shown
 * from this browser's copy, logging out with changes not sent, and actions that
 * need the network (docs/offline.md). The questionnaire's own sending is in
 * questionnaire.js.
 */
(function () {
  "use strict";
  var D = document.body.dataset;
  var copy = document.documentElement.dataset.offlineCopy;  // set by the worker
  var store = window.DTIStore;
  var user = D.user || "";

  function fmt(message, params) {
    return message.replace(/%\((\w+)\)s/g, function (_m, key) { return params[key]; });
  }

  if ("serviceWorker" in navigator && D.swUrl) {
    navigator.serviceWorker.register(D.swUrl, {scope: D.swScope}).then(function () {
      // The first page after signing in came before the worker: it asks the
      // worker to keep it too (the server decides whether it may be kept).
      if (navigator.serviceWorker.controller || copy !== undefined || !user) return null;
      return navigator.serviceWorker.ready.then(function (registration) {
        registration.active.postMessage({
          type: "keep", user: user, paths: [location.pathname + location.search], freshFor: 0
        });
      });
    }).catch(function () {
      /* not over HTTPS, or refused: the pages work online as before */
    });
  }
  // The worker shows kept pages only to the account last signed in here.
  if (copy === undefined && store) store.setUser(user).catch(function () {});

  function serverReachable() {
    if (!navigator.onLine || !D.csrfUrl) return Promise.resolve(false);
    return fetch(D.csrfUrl, {credentials: "same-origin", cache: "no-store"})
      .then(function (r) { return r.ok; }, function () { return false; });
  }

  // A page shown from this browser's copy says so, and is loaded again from the
  // server as soon as it answers (the questionnaire does that itself, after
  // sending what waits).
  if (copy !== undefined) {
    document.documentElement.classList.add("offline-copy");
    // Messages of the request that was kept are not news any more.
    var old = document.querySelector("#main > .messages");
    if (old) old.remove();
    var main = document.getElementById("main");
    var note = document.createElement("p");
    note.className = "offline-note";
    note.setAttribute("role", "status");
    var when = copy ? new Date(copy) : null;
    var text = when && !isNaN(when)
      ? new Intl.DateTimeFormat(document.documentElement.lang || "vi", {
        hour: "2-digit", minute: "2-digit", day: "2-digit", month: "2-digit", year: "numeric"
      }).format(when)
      : "—";
    note.textContent = fmt(D.msgOfflineCopy || "", {time: text});
    if (main) main.insertBefore(note, main.firstChild);
    if (!document.getElementById("q-form")) {
      var check = function () {
        serverReachable().then(function (up) { if (up) location.reload(); });
      };
      window.addEventListener("online", check);
      setInterval(check, 20000);
    }
  }

  // "Not sent": changes and files of this account waiting in this browser.
  var badge = document.querySelector("[data-queue-badge]");
  function showCount() {
    if (!badge || !user || !store) return;
    store.count(user).then(function (counts) {
      var n = counts.answers + counts.files;
      badge.hidden = !n;
      badge.textContent = fmt(D.msgQueue || "", {count: n});
    }).catch(function () {});
  }
  window.addEventListener("dti:queue", showCount);
  showCount();

  // The message goes beside the button pressed (a form's fields may live
  // elsewhere on the page and name it with form=).
  function say(form, text, button) {
    var place = button || form.querySelector("button") || form;
    var out = place.parentNode.querySelector("[data-network-msg]");
    if (!out) {
      out = document.createElement("span");
      out.setAttribute("data-network-msg", "");
      out.setAttribute("role", "alert");
      out.className = "network-msg";
      if (place === form) form.appendChild(out);
      else place.after(out);
    }
    out.textContent = text;
  }

  // Logging out clears what this browser keeps for the account: its copies of
  // pages and, after a warning, changes not yet sent. It needs the server: a
  // logout that cannot reach it would clear the queue and keep the session.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-logout")) return;
    if (form.dataset.cleared === "1" || !store || !user) return;
    event.preventDefault();
    serverReachable().then(function (up) {
      if (!up) { say(form, D.msgLogoutOffline || "", event.submitter); return null; }
      return store.count(user).then(function (counts) {
        return counts.answers + counts.files;
      }, function () { return 0; }).then(function (n) {
        if (n && !window.confirm(fmt(D.msgLogoutQueue || "", {count: n}))) return null;
        return store.forget(user).catch(function () {}).then(function () {
          form.dataset.cleared = "1";
          form.submit();
        });
      });
    });
  });

  // Submitting needs the network, and every change sent first.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-needs-network")) return;
    if (form.dataset.checked === "1") { delete form.dataset.checked; return; }
    event.preventDefault();
    event.stopImmediatePropagation();
    var submitter = event.submitter;
    var owner = form.dataset.assessment;
    var pending = store && user && owner
      ? Promise.all([store.all("answers", user, owner), store.all("files", user, owner)])
        .then(function (rows) { return rows[0].length + rows[1].length; },
          function () { return 0; })
      : Promise.resolve(0);
    Promise.all([copy === undefined ? serverReachable() : false, pending]).then(function (r) {
      if (!r[0]) { say(form, D.msgNeedsNetwork || "", submitter); return; }
      if (r[1]) { say(form, fmt(D.msgSendFirst || "", {count: r[1]}), submitter); return; }
      form.dataset.checked = "1";
      if (form.requestSubmit) form.requestSubmit(submitter || undefined);
      else form.submit();
    });
  }, true);
  if (copy !== undefined) {
    document.querySelectorAll("form[data-needs-network] button").forEach(function (b) {
      b.disabled = true;
    });
    document.querySelectorAll("form[data-needs-network]").forEach(function (form) {
      say(form, D.msgNeedsNetwork || "");
    });
  }
})();
