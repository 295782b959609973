// The verify page: a verdict is sent without leaving the page and confirmed at its
// item ("Saved at HH:MM:SS", the new status and points); a refused verdict shows its
// errors at its fields, a verdict on an answer changed meanwhile shows the answer as
// it is now (409); the verdict that verifies the assessment closes every form.
// Filters apply in place when the page holds every item; j/k move
// between items and a agrees with the item shown. Without this script every form
// posts and the server answers with a page.
(function () {
  "use strict";

  var root = document.getElementById("verify");
  if (!root || !window.fetch || !window.FormData) return;
  var msg = function (name) { return root.getAttribute("data-msg-" + name) || ""; };
  var items = function () {
    return Array.prototype.filter.call(
      root.querySelectorAll("section.v-item"), function (el) { return !el.hidden; });
  };
  var current = null;

  // Saving ---------------------------------------------------------------------

  function clearErrors(form) {
    form.querySelectorAll(".error, .v-conflict").forEach(function (el) { el.remove(); });
    form.querySelector(".v-form-errors").textContent = "";
  }

  function errorAt(form, name, text) {
    var p = document.createElement("p");
    p.className = "error";
    p.textContent = text;
    var box = form.querySelector(".field[data-field='" + name + "']");
    (box || form.querySelector(".v-form-errors")).appendChild(p);
  }

  function showSaved(item, form, data) {
    item.setAttribute("data-status", data.status);
    var flags = (item.getAttribute("data-flags") || "").split(" ").filter(function (f) {
      return f && ["pending", "disagreed", "returned"].indexOf(f) < 0;
    });
    if (["pending", "disagreed", "returned"].indexOf(data.status) >= 0) flags.push(data.status);
    item.setAttribute("data-flags", flags.join(" "));
    var status = item.querySelector(".v-status");
    status.setAttribute("data-status", data.status);
    status.querySelector(".v-status-text").textContent = data.status_display;
    var line = status.querySelector(".v-points-line");
    line.textContent = "";
    if (data.status !== "pending" && data.verified_points !== "—") {
      line.append(" · " + (root.getAttribute("data-label-points") || ""));
      var strong = document.createElement("strong");
      strong.className = "v-verified";
      strong.textContent = data.verified_points;
      line.append(strong);
    }
    if (data.verified_value) line.append(" · " + data.verified_value);
    var picked = { agreed: "agree", disagreed: "disagree" }[data.status];
    var radio = picked && form.querySelector("input[type=radio][value='" + picked + "']");
    if (radio) radio.checked = true;
    var version = form.querySelector("input[name$='-version']");
    if (version) version.value = data.version;
  }

  // The button that agrees with the remaining items says how many remain.
  function showRemaining(data) {
    var form = root.querySelector("form.v-remaining");
    if (!form || data.remaining === undefined) return;
    form.hidden = data.remaining === 0;
    var button = form.querySelector("button");
    button.textContent = data.remaining_button;
    button.setAttribute("data-confirm", data.remaining_consequence);
    form.querySelector(".v-consequence").textContent = data.remaining_consequence;
  }

  function send(form, submitter) {
    var item = form.closest("section.v-item");
    var note = form.querySelector(".v-saved");
    var body = new FormData(form, submitter);
    note.textContent = msg("saving");
    note.className = "v-saved";
    form.setAttribute("aria-busy", "true");
    return fetch(form.action, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, data: data };
      });
    }).then(function (reply) {
      form.removeAttribute("aria-busy");
      clearErrors(form);
      var data = reply.data;
      if (reply.status === 200 && data.version === undefined) {
        // Not the verdict's reply: the login page, after the session ended.
        note.textContent = msg("login");
        note.className = "v-saved failed";
        return false;
      }
      if (reply.status === 403 || reply.status === 404) {
        note.textContent = msg("refused");
        note.className = "v-saved failed";
        return false;
      }
      if (reply.status === 200) {
        showSaved(item, form, data);
        note.textContent = data.saved_at;
        note.className = "v-saved ok";
        var progress = root.querySelector(".v-progress");
        if (progress && data.progress) progress.textContent = data.progress;
        showRemaining(data);
        var state = root.querySelector(".v-state");
        if (state && data.state_display) state.textContent = data.state_display;
        recount();
        if (data.reviewable === false) close(form);
        return true;
      }
      note.textContent = "";
      if (reply.status === 409) {
        showSaved(item, form, data);
        var box = document.createElement("div");
        box.className = "v-conflict error";
        var p = document.createElement("p");
        p.textContent = data.error;
        box.appendChild(p);
        var dl = document.createElement("dl");
        (data.current || []).forEach(function (pair) {
          var dt = document.createElement("dt");
          dt.textContent = pair[0];
          var dd = document.createElement("dd");
          dd.textContent = pair[1];
          dl.append(dt, dd);
        });
        box.appendChild(dl);
        form.querySelector(".v-form-errors").appendChild(box);
        recount();
        return false;
      }
      var errors = data.errors || {};
      var names = Object.keys(errors);
      names.forEach(function (name) {
        errors[name].forEach(function (text) { errorAt(form, name, text); });
      });
      if (!names.length) errorAt(form, "__all__", data.error || msg("error"));
      return false;
    }).catch(function () {
      form.removeAttribute("aria-busy");
      note.textContent = msg("error");
      note.className = "v-saved failed";
      return false;
    });
  }

  // The verdict just saved verified the assessment: no form may change it any more.
  // The item saved keeps its confirmation; the others lose their forms.
  function close(saved) {
    root.querySelectorAll("form.v-verdict").forEach(function (form) {
      if (form === saved) {
        form.querySelectorAll("input, select, textarea, button").forEach(function (el) {
          el.disabled = true;
        });
        form.querySelectorAll("button, .field").forEach(function (el) { el.hidden = true; });
      } else {
        form.hidden = true;
      }
    });
    root.querySelectorAll("form.v-remaining, form.v-return, details.v-comment-box")
      .forEach(function (el) { el.hidden = true; });
    var note = root.querySelector(".v-closed");
    if (note) {
      note.textContent = msg("closed");
      note.hidden = false;
    }
  }

  root.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("v-verdict")) return;
    event.preventDefault();
    send(form, event.submitter || null);
  });

  // Moving between items -------------------------------------------------------

  function focusItem(item) {
    if (!item) return;
    if (current) current.classList.remove("v-current");
    current = item;
    item.classList.add("v-current");
    item.focus({ preventScroll: true });
    item.scrollIntoView({ block: "start" });
  }

  function step(delta) {
    var list = items();
    if (!list.length) return;
    var index = list.indexOf(current);
    if (index < 0) {
      focusItem(list[delta > 0 ? 0 : list.length - 1]);
      return;
    }
    focusItem(list[Math.min(list.length - 1, Math.max(0, index + delta))]);
  }

  root.querySelector(".v-next").addEventListener("click", function () { step(1); });
  root.querySelector(".v-prev").addEventListener("click", function () { step(-1); });
  root.addEventListener("focusin", function (event) {
    var item = event.target.closest && event.target.closest("section.v-item");
    if (item && item !== current) {
      if (current) current.classList.remove("v-current");
      current = item;
      item.classList.add("v-current");
    }
  });

  function typing(target) {
    if (!target || !target.tagName) return false;
    var tag = target.tagName.toLowerCase();
    if (target.isContentEditable || tag === "textarea" || tag === "select") return true;
    if (tag !== "input") return false;
    return ["checkbox", "radio", "button", "submit"].indexOf(target.type) < 0;
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target)) return;
    if (event.key === "j") { event.preventDefault(); step(1); }
    else if (event.key === "k") { event.preventDefault(); step(-1); }
    else if (event.key === "a" && current) {
      var agree = current.querySelector("button.v-agree");
      if (!agree || agree.disabled || agree.form.hidden) return;
      event.preventDefault();
      var item = current;
      send(agree.form, agree).then(function (ok) {
        if (ok && item === current) step(1);
      });
    }
  });

  // Filters in place -----------------------------------------------------------

  var chosen = { filter: "", pillar: "" };
  var params = new URLSearchParams(window.location.search);
  chosen.filter = params.get("show") || "";
  chosen.pillar = params.get("pillar") || "";

  function passes(item, filter, pillar) {
    var flags = (item.getAttribute("data-flags") || "").split(" ");
    return (!filter || flags.indexOf(filter) >= 0) &&
      (!pillar || item.getAttribute("data-pillar") === pillar);
  }

  function recount() {
    if (root.getAttribute("data-all") !== "1") return;
    var all = root.querySelectorAll("section.v-item");
    root.querySelectorAll("a.v-filter[data-filter]").forEach(function (link) {
      var name = link.getAttribute("data-filter");
      var n = Array.prototype.filter.call(all, function (item) {
        return passes(item, name, chosen.pillar);
      }).length;
      link.querySelector(".v-count").textContent = n;
    });
    root.querySelectorAll("a.v-filter[data-pillar]").forEach(function (link) {
      var pillar = link.getAttribute("data-pillar");
      var n = Array.prototype.filter.call(all, function (item) {
        return passes(item, chosen.filter, pillar);
      }).length;
      link.querySelector(".v-count").textContent = n;
    });
  }

  function apply() {
    var shown = 0;
    root.querySelectorAll("section.v-item").forEach(function (item) {
      item.hidden = !passes(item, chosen.filter, chosen.pillar);
      if (!item.hidden) shown += 1;
    });
    root.querySelectorAll("section.v-pillar").forEach(function (group) {
      group.hidden = !group.querySelector("section.v-item:not([hidden])");
    });
    root.querySelector(".v-none-js").hidden = shown > 0;
    root.querySelectorAll("a.v-filter").forEach(function (link) {
      var on = link.hasAttribute("data-filter")
        ? link.getAttribute("data-filter") === chosen.filter
        : link.getAttribute("data-pillar") === chosen.pillar;
      link.classList.toggle("active", on);
      if (on) link.setAttribute("aria-current", "true");
      else link.removeAttribute("aria-current");
    });
    recount();
  }

  root.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.v-filter");
    if (!link || root.getAttribute("data-all") !== "1") return;
    event.preventDefault();
    if (link.hasAttribute("data-filter")) chosen.filter = link.getAttribute("data-filter");
    else chosen.pillar = link.getAttribute("data-pillar");
    var query = new URLSearchParams();
    if (chosen.filter) query.set("show", chosen.filter);
    if (chosen.pillar) query.set("pillar", chosen.pillar);
    var search = query.toString();
    window.history.replaceState(null, "", (search ? "?" + search : window.location.pathname) + "#items");
    apply();
  });
})();
