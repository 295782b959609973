/* Autosave for the questionnaire: no framework, no CDN.
 *
 * Every change is written at once to localStorage (one entry per assessment and
 * indicator) and sent to the server about 2 s after the last keystroke. An entry is
 * removed only when the server answers with the answer's new version; until then it
 * is resent: after a network error, when the connection returns, and after the
 * session expired and the person logged in again (with a fresh CSRF token).
 * A conflict (HTTP 409) shows both answers and lets the person choose.
 */
(function () {
  "use strict";
  var form = document.getElementById("q-form");
  if (!form || !window.fetch) return;
  var D = form.dataset;
  var KEY = "dti:q:" + D.assessment + ":";
  var DEBOUNCE_MS = 2000;
  var RETRY_MS = 5000;
  var status = document.getElementById("q-status");
  var csrfInput = form.querySelector("input[name=csrfmiddlewaretoken]");
  var csrf = csrfInput ? csrfInput.value : "";
  var timer = null;
  var retryTimer = null;
  var inflight = false;

  function fmt(message, params) {
    return message.replace(/%\((\w+)\)s/g, function (_m, key) { return params[key]; });
  }

  function setStatus(text, kind, link) {
    status.className = "q-status" + (kind ? " " + kind : "");
    status.textContent = text;
    if (link) {
      var a = document.createElement("a");
      a.href = D.loginUrl + "?next=" + encodeURIComponent(location.pathname);
      a.target = "_blank";
      a.rel = "noopener";
      a.textContent = D.msgLoginLink;
      status.appendChild(document.createTextNode(" "));
      status.appendChild(a);
    }
  }

  // localStorage: one entry per indicator {node, version, values, seq, conflict}
  function load(node) {
    try { return JSON.parse(localStorage.getItem(KEY + node)); } catch (e) { return null; }
  }
  function store(entry) {
    try { localStorage.setItem(KEY + entry.node, JSON.stringify(entry)); } catch (e) { /* full */ }
  }
  function drop(node) { localStorage.removeItem(KEY + node); }
  function queued() {
    var nodes = [];
    for (var i = 0; i < localStorage.length; i++) {
      var key = localStorage.key(i);
      if (key && key.indexOf(KEY) === 0) nodes.push(key.slice(KEY.length));
    }
    return nodes;
  }

  function fieldsetOf(node) { return document.getElementById("ind-" + node); }

  function inputs(fs) {
    var prefix = "n" + fs.dataset.node + "-";
    return Array.prototype.filter.call(
      fs.querySelectorAll("input, textarea, select"),
      function (el) { return el.name && el.name.indexOf(prefix) === 0; }
    ).map(function (el) { return [el.name.slice(prefix.length), el]; });
  }

  function collect(fs) {
    var values = {};
    inputs(fs).forEach(function (pair) {
      var name = pair[0], el = pair[1];
      if (name === "version") return;
      if (el.type === "radio") {
        if (!(name in values)) values[name] = "";
        if (el.checked) values[name] = el.value;
      } else if (el.type === "checkbox" && name === "is_na") {
        values[name] = el.checked;
      } else if (el.type === "checkbox") {
        values[name] = values[name] || [];
        if (el.checked) values[name].push(el.value);
      } else {
        values[name] = el.value;
      }
    });
    return values;
  }

  function fill(fs, values) {
    inputs(fs).forEach(function (pair) {
      var name = pair[0], el = pair[1];
      if (!(name in values)) return;
      var value = values[name];
      if (el.type === "radio") el.checked = String(value) === el.value;
      else if (el.type === "checkbox" && name === "is_na") el.checked = !!value;
      else if (el.type === "checkbox") el.checked = (value || []).indexOf(el.value) >= 0;
      else el.value = value === null || value === undefined ? "" : value;
    });
    showRatio(fs);
  }

  // What the server holds becomes the fields' own values, so that a page that
  // shows itself again (pageshow) puts back the saved answer, never an older one.
  function setDefaults(fs, values) {
    inputs(fs).forEach(function (pair) {
      var name = pair[0], el = pair[1];
      if (!(name in values) || el.type === "file" || el.type === "hidden") return;
      var value = values[name];
      if (el.type === "radio") el.defaultChecked = String(value) === el.value;
      else if (el.type === "checkbox" && name === "is_na") el.defaultChecked = !!value;
      else if (el.type === "checkbox") el.defaultChecked = (value || []).indexOf(el.value) >= 0;
      else el.defaultValue = value === null || value === undefined ? "" : value;
    });
  }

  function setVersion(fs, version) {
    fs.dataset.version = version;
    inputs(fs).forEach(function (pair) {
      if (pair[0] === "version") pair[1].value = version;
    });
  }

  // Numbers are typed in the format the page shows (data-number-format) and sent
  // with it; an entry keeps the format it was typed in, so that a change typed on a
  // Vietnamese page and sent from an English one still means what was typed.
  var FORMAT = D.numberFormat || null;
  var MARKS = {vi: {decimal: ",", group: "."}, en: {decimal: ".", group: ","}};

  function inPageFormat(text, from) {
    var a = MARKS[from], b = MARKS[FORMAT];
    if (!a || !b || from === FORMAT || typeof text !== "string") return text;
    var g = "\\" + a.group, d = "\\" + a.decimal;
    var valid = new RegExp("^[+-]?(\\d{1,3}(" + g + "\\d{3})+|\\d+)(" + d + "\\d+)?$");
    if (!valid.test(text.trim())) return text;  // the server explains what is wrong
    return text.trim().split("").map(function (c) {
      return c === a.group ? b.group : c === a.decimal ? b.decimal : c;
    }).join("");
  }

  function shownValues(entry) {
    var values = {};
    Object.keys(entry.values).forEach(function (name) {
      var value = entry.values[name];
      values[name] = name === "number" || name === "denominator"
        ? inPageFormat(value, entry.format) : value;
    });
    return values;
  }

  function parseNumber(text) {
    var t = String(text || "").trim().split(D.thousandSep).join("").replace(D.decimalSep, ".");
    return t === "" ? NaN : Number(t);
  }

  function showRatio(fs) {
    var out = fs.querySelector("[data-ratio]");
    if (!out) return;
    var values = collect(fs);
    var a = parseNumber(values.number), b = parseNumber(values.denominator);
    out.textContent = isFinite(a) && isFinite(b) && b > 0
      ? new Intl.NumberFormat(document.documentElement.lang || "vi", {maximumFractionDigits: 1}).format(a / b * 100) + " %"
      : "—";
  }

  function fieldMessages(fs, messages, kind) {
    fs.querySelectorAll(".q-field-msg").forEach(function (p) {
      var name = p.parentNode.dataset.field;
      if (kind === "error" || !p.classList.contains("error")) {
        p.textContent = (messages[name] || []).join(" ");
        p.classList.toggle("error", kind === "error" && !!messages[name]);
      }
    });
    fs.classList.toggle("has-errors", kind === "error" && Object.keys(messages).length > 0);
    var general = messages.__all__;
    if (general) fs.querySelector(".q-conflict-slot").textContent = general.join(" ");
  }

  function markDirty(fs) {
    var node = fs.dataset.node;
    var previous = load(node);
    var values = collect(fs);
    // The change event of a field left for the conflict's buttons is no edit: the
    // answer stays held in conflict, never sent again as if nothing had happened.
    if (previous && previous.conflict &&
        JSON.stringify(previous.values) === JSON.stringify(values)) return;
    store({
      node: Number(node),
      version: previous ? previous.version : Number(fs.dataset.version),
      values: values,
      format: FORMAT,
      seq: previous ? previous.seq + 1 : 1
    });
    showRatio(fs);
    schedule(DEBOUNCE_MS);
  }

  function schedule(ms) {
    clearTimeout(timer);
    timer = setTimeout(flush, ms);
  }

  function pendingStatus() {
    var n = queued().length;
    if (n) setStatus(fmt(D.msgPending, {count: n}), "pending");
  }

  function retryLater(freshToken) {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(function () {
      (freshToken ? refreshToken() : Promise.resolve()).then(flush, flush);
    }, RETRY_MS);
  }

  function refreshToken() {
    return fetch(D.csrfUrl, {credentials: "same-origin", cache: "no-store"})
      .then(function (r) { return r.json(); })
      .then(function (body) {
        csrf = body.token;
        document.querySelectorAll("input[name=csrfmiddlewaretoken]").forEach(function (el) {
          el.value = body.token;
        });
      });
  }

  function flush(keepalive) {
    clearTimeout(timer);
    if (inflight) { schedule(500); return; }
    var entries = queued().map(load).filter(function (e) { return e && !e.conflict; });
    if (!entries.length) return;
    inflight = true;
    setStatus(D.msgSaving, "pending");
    var body = JSON.stringify({format: FORMAT, answers: entries.map(function (e) {
      return {node: e.node, version: e.version, values: e.values, format: e.format || null};
    })});
    fetch(D.saveUrl, {
      method: "POST",
      credentials: "same-origin",
      keepalive: keepalive === true,
      headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf},
      body: body
    }).then(function (response) {
      return handle(response, entries);
    }).catch(function () {
      setStatus(D.msgOffline, "pending");
      retryLater(false);
    }).then(function () { inflight = false; });
  }

  function handle(response, entries) {
    if (response.status === 401) {
      setStatus(D.msgLogin, "error", true);
      retryLater(true);
      return null;
    }
    var type = response.headers.get("Content-Type") || "";
    if (type.indexOf("application/json") < 0) {
      // A CSRF refusal after logging in again, or a proxy error page.
      pendingStatus();
      retryLater(true);
      return null;
    }
    return response.json().then(function (body) {
      if (!body.results) {
        if (body.error && (response.status === 400 || response.status === 413)) {
          // The same changes sent again would be refused again: say why and keep
          // them here until the person shortens or corrects them.
          setStatus(body.error, "error");
          return;
        }
        pendingStatus();
        if (response.status !== 404) retryLater(response.status === 403);
        return;
      }
      var errors = 0;
      body.results.forEach(function (result, i) {
        if (!apply(result, entries[i])) errors += 1;
      });
      if (errors) setStatus(D.msgError, "error");
      else if (queued().length) pendingStatus();
      else setStatus(fmt(D.msgSaved, {time: body.saved_at}), "");
    });
  }

  function apply(result, sent) {
    var fs = fieldsetOf(sent.node);
    var current = load(sent.node);
    if (typeof result.version === "number") knowVersion(sent.node, result.version);
    if (result.status === "ok" && typeof result.version === "number") {
      if (current && current.seq === sent.seq) drop(sent.node);
      else if (current) { current.version = result.version; store(current); }
      if (fs) {
        setVersion(fs, result.version);
        setDefaults(fs, shownValues(sent));
        var points = fs.querySelector("[data-points]");
        if (points) points.textContent = result.points === null ? "—" : result.points;
        fieldMessages(fs, result.warnings || {}, "warning");
        fs.querySelector(".q-conflict-slot").textContent = "";
      }
      return true;
    }
    if (result.status === "conflict") {
      if (current) { current.conflict = result; store(current); }
      if (fs) showConflict(fs, current || sent, result);
      return false;
    }
    // invalid or locked: the server has answered for good; the value stays on screen.
    if (current && current.seq === sent.seq) drop(sent.node);
    if (fs) {
      fieldMessages(fs, result.errors || {__all__: [result.message]}, "error");
    }
    return false;
  }

  function showConflict(fs, entry, result) {
    var slot = fs.querySelector(".q-conflict-slot");
    slot.textContent = "";
    var p = document.createElement("p");
    // The server's message says whose save this was: the person's own (another tab,
    // a page shown before it) or someone else's, when, and the value it kept.
    p.textContent = result.message ||
      D.msgConflict + (result.updated_by ? " (" + result.updated_by + ", " + result.updated_at + ")" : "");
    slot.appendChild(p);
    var dl = document.createElement("dl");
    var title = document.createElement("p");
    title.textContent = D.msgTheirs + ":";
    slot.appendChild(title);
    (result.theirs_display || []).forEach(function (pair) {
      var dt = document.createElement("dt"), dd = document.createElement("dd");
      dt.textContent = pair[0];
      dd.textContent = pair[1];
      dl.appendChild(dt);
      dl.appendChild(dd);
    });
    slot.appendChild(dl);
    var keep = document.createElement("button");
    keep.type = "button";
    keep.textContent = D.msgKeep;
    keep.addEventListener("click", function () {
      var e = load(entry.node) || entry;
      e.version = result.version;
      e.values = collect(fs);
      e.format = FORMAT;
      delete e.conflict;
      store(e);
      slot.textContent = "";
      flush();
    });
    var take = document.createElement("button");
    take.type = "button";
    take.textContent = D.msgTake;
    take.addEventListener("click", function () {
      // The server wrote its values in the entry's format: shown in the page's.
      var theirs = shownValues({values: result.theirs, format: entry.format || FORMAT});
      fill(fs, theirs);
      setDefaults(fs, theirs);
      setVersion(fs, result.version);
      drop(entry.node);
      slot.textContent = "";
    });
    slot.appendChild(keep);
    slot.appendChild(document.createTextNode(" "));
    slot.appendChild(take);
    keep.focus();
  }

  function onEdit(event) {
    if (event.target.form !== form) return;  // evidence inputs have their own forms
    var fs = event.target.closest("fieldset.indicator");
    if (!fs || fs.dataset.readonly || D.editable !== "1") return;
    markDirty(fs);
  }

  // Evidence: small forms outside the questionnaire's form (their inputs sit in
  // the indicator and name them with form=), sent with fetch; the reply carries
  // the indicator's list of evidence rendered again, or the errors.
  function evMessage(box, text, kind) {
    var p = box && box.querySelector(".q-ev-msg");
    if (!p) return;
    p.textContent = text || "";
    p.className = "q-ev-msg" + (kind ? " " + kind : "");
  }

  function evReply(box, body, submitter) {
    var target = document.querySelector("[data-ev-node='" + body.node + "']") || box;
    if (!target) return;
    if (typeof body.html === "string") {
      target.querySelector(".q-ev-list").innerHTML = body.html;
      var group = submitter && submitter.closest(".q-ev-group");
      if (group) {
        group.querySelectorAll("input").forEach(function (el) { el.value = ""; });
      }
      evMessage(target, body.message, "");
      if (!group) target.querySelector(".q-ev-title").focus();
      return;
    }
    var texts = [];
    Object.keys(body.errors || {}).forEach(function (key) {
      texts = texts.concat(body.errors[key]);
    });
    evMessage(target, texts.join(" ") || D.msgEvFailed, "error");
  }

  function evSubmit(event) {
    var target = event.target;
    if (!target.hasAttribute || !target.hasAttribute("data-ev-form")) return;
    event.preventDefault();
    var submitter = event.submitter;
    if (submitter && submitter.dataset.confirm && !window.confirm(submitter.dataset.confirm)) return;
    var data = new FormData(target);
    if (submitter && submitter.name) data.append(submitter.name, submitter.value);
    var url = (submitter && submitter.getAttribute("formaction")) || target.action;
    var box = submitter ? submitter.closest("[data-ev-node]") : null;
    evMessage(box, D.msgUploading, "pending");
    if (submitter) submitter.disabled = true;
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Accept": "application/json", "X-CSRFToken": csrf},
      body: data
    }).then(function (response) {
      if (response.status === 401) {
        evMessage(box, D.msgLogin, "error");
        return null;
      }
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") < 0) throw new Error("not json");
      return response.json().then(function (body) { evReply(box, body, submitter); });
    }).catch(function () {
      evMessage(box, D.msgEvFailed, "error");
    }).then(function () {
      if (submitter && document.contains(submitter)) submitter.disabled = false;
    });
  }

  function evEnter(event) {
    // Enter in an evidence field adds that kind of evidence, not the first kind.
    var el = event.target;
    if (event.key !== "Enter" || !el.form || !el.form.hasAttribute("data-ev-form")) return;
    var group = el.closest(".q-ev-group");
    var button = group && group.querySelector("button[type=submit]");
    if (!button) return;
    event.preventDefault();
    button.click();
  }

  document.addEventListener("submit", evSubmit);
  document.addEventListener("keydown", evEnter);
  document.querySelectorAll(".q-ev-title").forEach(function (h) { h.tabIndex = -1; });

  // Page cache. A step page shown again by the browser (Back, Forward, a restored
  // tab) must show the answers as saved now: an older copy would post its older
  // values, and older values beside a newer version are saved without a conflict.
  // The server sends the page with no-store; a page kept in memory anyway
  // (persisted) or older than a version this browser has seen saved is loaded
  // again; fields the browser fills back in (what they held when the page was
  // left) are reset to the page's values, then unsent changes are put back from
  // localStorage. A page answering a POST (a conflict, errors) is never reloaded:
  // that would post it again.
  var VERSIONS = "dti:v:" + D.assessment;
  var fieldsets = document.querySelectorAll("fieldset.indicator");

  function knownVersions() {
    try { return JSON.parse(localStorage.getItem(VERSIONS)) || {}; } catch (e) { return {}; }
  }
  function keepVersions(known) {
    try { localStorage.setItem(VERSIONS, JSON.stringify(known)); } catch (e) { /* full */ }
  }
  function knowVersion(node, version) {
    var known = knownVersions();
    if (!(known[node] >= version)) { known[node] = version; keepVersions(known); }
  }

  function pageIsOld() {
    var known = knownVersions();
    return Array.prototype.some.call(fieldsets, function (fs) {
      return Number(fs.dataset.version) < (known[fs.dataset.node] || 0);
    });
  }

  function loadAgain() {
    // Once: if the server itself shows older versions (an answer removed and
    // entered again), believe it rather than reload forever.
    var key = "dti:reloaded:" + location.pathname;
    if (Date.now() - (Number(sessionStorage.getItem(key)) || 0) < 10000) {
      var known = knownVersions();
      fieldsets.forEach(function (fs) { known[fs.dataset.node] = Number(fs.dataset.version); });
      keepVersions(known);
      return false;
    }
    sessionStorage.setItem(key, String(Date.now()));
    location.reload();
    return true;
  }

  function showPageValues() {
    fieldsets.forEach(function (fs) {
      inputs(fs).forEach(function (pair) {
        var el = pair[1];
        if (pair[0] === "version") el.value = fs.dataset.version;
        else if (el.type === "radio" || el.type === "checkbox") el.checked = el.defaultChecked;
        else if (el.type !== "file") el.value = el.defaultValue;
      });
      knowVersion(fs.dataset.node, Number(fs.dataset.version));
    });
  }

  window.addEventListener("pageshow", function (event) {
    if (D.posted === "1") return;
    if (event.persisted) { location.reload(); return; }
    // Browsers fill fields back in just before this event, not before the script.
    showPageValues();
    showUnsent();
  });
  if (D.posted !== "1" && pageIsOld() && loadAgain()) return;

  form.addEventListener("input", onEdit);
  form.addEventListener("change", onEdit);
  form.addEventListener("submit", function () {
    clearTimeout(timer);  // the POST itself saves the step; entries stay until confirmed
  });
  window.addEventListener("online", function () { flush(); });
  window.addEventListener("focus", function () { refreshToken().catch(function () {}); });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && queued().length) flush(true);
  });

  // Changes typed earlier but never confirmed: show them again and resend them.
  function showUnsent() {
    queued().forEach(function (node) {
      var entry = load(node);
      var fs = fieldsetOf(node);
      if (!entry || !fs) return;
      fill(fs, shownValues(entry));
      if (entry.conflict) showConflict(fs, entry, entry.conflict);
    });
    fieldsets.forEach(showRatio);
  }
  showUnsent();
  if (queued().length) flush();
})();
