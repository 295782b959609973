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
  var PAGES = "dti:page:";

  // A step page shown from this browser's copy (offline) runs start() again on the
  // new form; listeners of an earlier start() on document and window stay, and
  // do nothing once their form has left the page.
  function start(local) {
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
  var netDown = false;  // the last send failed for want of a network
  var pendingUrl = null;  // a step asked for offline, opened when the network returns

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
    // The server's answer replaces the errors rendered with the page: each once.
    fs.querySelectorAll(".errorlist").forEach(function (list) { list.remove(); });
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
    var discard = fs.querySelector(".q-discard");
    if (discard) discard.remove();
    setStatus(D.msgUnsaved, "pending");
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
    var entries = queued().map(load).filter(function (e) {
      return e && !e.conflict && !e.invalid;
    });
    if (!entries.length) { afterFlush(); return; }
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
      netDown = true;
      setStatus(pendingUrl ? D.msgOfflineStay : local ? D.msgOfflineMoved : D.msgOffline,
        "pending");
      retryLater(false);
    }).then(function () { inflight = false; afterFlush(); });
  }

  // Back online on a page shown from this browser's copy, or with a step asked
  // for meanwhile: once every change is on the server, load what was asked for.
  function afterFlush() {
    if (netDown || !navigator.onLine || !form.isConnected) return;
    var waiting = queued().map(load).filter(function (e) {
      return e && !e.conflict && !e.invalid;
    });
    if (waiting.length) return;
    if (pendingUrl) location.assign(pendingUrl);
    else if (local && navigator.onLine) location.reload();
  }

  function handle(response, entries) {
    if (response.status === 401) {
      setStatus(D.msgLogin, "error", true);
      retryLater(true);
      return null;
    }
    netDown = false;
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
      else setStatus(fmt(D.msgSaved, {time: body.saved_at}), "saved");
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
    // Refused for good. An invalid value stays here, marked, shown again after a
    // reload with its message, until it is corrected or discarded; a locked
    // answer cannot be saved at all.
    if (current && current.seq === sent.seq) {
      if (result.status === "invalid") {
        current.invalid = result.errors || {__all__: [result.message]};
        store(current);
      } else drop(sent.node);
    }
    if (fs) {
      fieldMessages(fs, result.errors || {__all__: [result.message]}, "error");
      if (result.status === "invalid") { showDiscard(fs); markStep("has-invalid"); }
    }
    return false;
  }

  function markStep(name) {
    var current = document.querySelector(".q-step.current");
    if (current) current.classList.add(name);
  }

  function showDiscard(fs) {
    if (fs.querySelector(".q-discard")) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "q-discard";
    button.textContent = D.msgDiscard;
    button.addEventListener("click", function () {
      // Back to the saved answer: the fields' own values are what the server holds.
      drop(fs.dataset.node);
      inputs(fs).forEach(function (pair) {
        var el = pair[1];
        if (pair[0] === "version" || el.type === "file") return;
        if (el.type === "radio" || el.type === "checkbox") el.checked = el.defaultChecked;
        else el.value = el.defaultValue;
      });
      fieldMessages(fs, {}, "error");
      fs.querySelector(".q-conflict-slot").textContent = "";
      button.remove();
      showRatio(fs);
      if (!queued().length) setStatus("", "");
      else pendingStatus();
    });
    fs.querySelector(".q-conflict-slot").after(button);
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
      body.errors[key].forEach(function (text) {
        if (texts.indexOf(text) < 0) texts.push(text);  // each message once
      });
    });
    evMessage(target, texts.join(" ") || D.msgEvFailed, "error");
  }

  function evSubmit(event) {
    if (!form.isConnected) return;
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
    if (!form.isConnected || event.key !== "Enter" || el.tagName === "TEXTAREA") return;
    if (!el.form || !el.form.hasAttribute("data-ev-form")) return;
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
    if (D.posted === "1" || local || !form.isConnected) return;
    if (event.persisted) { location.reload(); return; }
    // Browsers fill fields back in just before this event, not before the script.
    showPageValues();
    showUnsent();
  });
  if (local) showKnownVersions();
  else if (D.posted !== "1" && pageIsOld() && loadAgain()) return;

  form.addEventListener("input", onEdit);
  form.addEventListener("change", onEdit);
  window.addEventListener("online", function () { if (form.isConnected) flush(); });
  window.addEventListener("focus", function () {
    if (form.isConnected) refreshToken().catch(function () {});
  });
  document.addEventListener("visibilitychange", function () {
    if (!form.isConnected) return;
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
      if (entry.invalid) {
        // A page answering a POST shows the server's errors already.
        if (D.posted !== "1") fieldMessages(fs, entry.invalid, "error");
        showDiscard(fs);
        markStep("has-invalid");
      }
    });
    fieldsets.forEach(showRatio);
    if (queued().map(load).some(function (e) { return e && e.invalid; })) {
      setStatus(D.msgInvalid, "error");
    }
  }
  showUnsent();
  if (queued().length) flush();

  // A page shown from this browser's copy carries the versions it had then: the
  // answers saved since are known here (knownVersions) and their versions used.
  function showKnownVersions() {
    var known = knownVersions();
    fieldsets.forEach(function (fs) {
      var version = known[fs.dataset.node];
      if (version > Number(fs.dataset.version)) setVersion(fs, version);
    });
    setStatus(D.msgOfflineMoved, "pending");
  }

  // Character counters: "120 / 2000" under every box of free text.
  function count(el, out) {
    var n = el.value.length, limit = Number(el.dataset.limit);
    out.textContent = fmt(D.msgCount, {count: n, limit: limit});
    out.classList.toggle("over", n > limit);
  }
  document.querySelectorAll("[data-limit]").forEach(function (el) {
    if (el.disabled) return;
    var out = document.querySelector(".q-count[data-count-for='" + el.id + "']");
    if (!out) {
      out = document.createElement("span");
      out.className = "q-count";
      el.after(out);
    }
    out.setAttribute("aria-live", "polite");
    count(el, out);
    el.addEventListener("input", function () { count(el, out); });
  });

  // "Needs attention": the link works without the script; here it toggles in place.
  var toggle = form.querySelector("[data-attention-toggle]");
  if (toggle) {
    var labelOn = toggle.textContent, allUrl = location.pathname;
    toggle.addEventListener("click", function (event) {
      event.preventDefault();
      var on = form.classList.toggle("q-attention-only");
      toggle.setAttribute("aria-pressed", on ? "true" : "false");
      toggle.classList.toggle("q-filter-on", on);
      if (toggle.dataset.labelOff === undefined) toggle.dataset.labelOff = labelOn;
      toggle.textContent = on ? D.msgShowAll : toggle.dataset.labelOff;
      history.replaceState(history.state, "", allUrl + (on ? "?attention=1" : ""));
      form.action = allUrl + (on ? "?attention=1" : "");
    });
  }

  // Moving between steps without a network: the step is shown from this
  // browser's copy (kept when it was visited or fetched ahead), or the person
  // stays here and is told that it opens when the connection returns. What was
  // typed is already queued in localStorage and sent when the network returns.
  function keepPage(path, html) {
    try { sessionStorage.setItem(PAGES + path, html); } catch (e) {
      for (var i = sessionStorage.length - 1; i >= 0; i--) {
        var key = sessionStorage.key(i);
        if (key && key.indexOf(PAGES) === 0) sessionStorage.removeItem(key);
      }
      try { sessionStorage.setItem(PAGES + path, html); } catch (e2) { /* too large */ }
    }
  }
  if (!local && D.posted !== "1") keepPage(location.pathname, PAGE_HTML);

  function fetchAhead() {
    if (!navigator.onLine || !form.isConnected) return;
    form.querySelectorAll(".q-nav [data-step-url]").forEach(function (button) {
      var path = new URL(button.dataset.stepUrl, location.href).pathname;
      if (sessionStorage.getItem(PAGES + path) !== null) return;
      fetch(path, {credentials: "same-origin", headers: {"X-Prefetch": "1"}})
        .then(function (response) {
          var type = response.headers.get("Content-Type") || "";
          if (!response.ok || response.redirected || type.indexOf("text/html") < 0) return null;
          return response.text().then(function (html) { keepPage(path, html); });
        }).catch(function () { /* offline: nothing to keep */ });
    });
  }
  if (!local) setTimeout(fetchAhead, 1500);

  function showLocally(path, push) {
    var html = sessionStorage.getItem(PAGES + path);
    if (html === null) return false;
    var doc = new DOMParser().parseFromString(html, "text/html");
    var main = doc.getElementById("main");
    if (!main || !doc.getElementById("q-form")) return false;
    var messages = main.querySelector(".messages");
    if (messages) messages.remove();
    clearTimeout(timer);
    clearTimeout(retryTimer);
    document.getElementById("main").replaceWith(document.adoptNode(main));
    document.title = doc.title;
    if (push) history.pushState({local: true}, "", path);
    window.scrollTo(0, 0);
    start(true);
    return true;
  }

  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (!button || button.name !== "wizard_goto_step" || !button.dataset.stepUrl) return;
    if (navigator.onLine && !netDown) return;  // the server saves and moves
    event.preventDefault();
    var path = new URL(button.dataset.stepUrl, location.href).pathname;
    if (path === location.pathname || showLocally(path, true)) return;
    pendingUrl = path;
    setStatus(D.msgOfflineStay, "pending");
    flush();
  });
  form.addEventListener("submit", function () {
    clearTimeout(timer);  // the POST itself saves the step; entries stay until confirmed
  });
  window.addEventListener("popstate", function () {
    if (!form.isConnected || !local) return;  // the browser handles its own pages
    if (!navigator.onLine || netDown) showLocally(location.pathname, false);
    else location.reload();
  });
  }

  var PAGE_HTML = document.documentElement.outerHTML;
  start(false);
})();
