/* Autosave for the questionnaire: no framework, no CDN.
 *
 * Every change is written at once to this browser's queue (IndexedDB, one entry
 * per account, assessment and indicator: static/js/store.js) and sent to the
 * server about 2 s after the last keystroke. An entry is removed only when the
 * server answers with the answer's new version; until then it is resent: after a
 * network error, when the connection returns, and after the session expired and
 * the person logged in again (with a fresh CSRF token). A conflict (HTTP 409)
 * shows both answers and lets the person choose.
 *
 * Without a network (docs/offline.md) the steps and the review page are shown
 * from the copies the service worker keeps, with the queued changes over them;
 * evidence chosen meanwhile waits in the queue too, within a size limit.
 */
(function () {
  "use strict";

  function start(local) {
  var form = document.getElementById("q-form");
  if (!form || !window.fetch) return;
  var D = form.dataset;
  var DB = window.DTIStore || null;
  var USER = document.body.dataset.user || "";
  var DEBOUNCE_MS = 2000;
  var RETRY_MS = 5000;
  var status = document.getElementById("q-status");
  var queueNote = document.getElementById("q-queue");
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

  // The queue: one entry per indicator {node, version, values, format, seq, step,
  // conflict?, invalid?}, held here and written through to IndexedDB.
  var entries = {};
  var fileRows = [];
  var savedRows = {};
  var writes = Promise.resolve();
  var loaded = false;  // the queue kept here has been read
  var typedSinceLoad = false;

  function rowKey(node) { return DB.key(USER, D.assessment, node); }
  // Each write starts at once (IndexedDB keeps their order); moving to another
  // page waits for all of them (writes).
  function persist(work) {
    if (!DB || !USER) return;
    var done = work().catch(function () { /* storage refused: kept on this page */ })
      .then(function () { window.dispatchEvent(new Event("dti:queue")); });
    writes = Promise.all([writes, done]);
  }
  function load(node) {
    var entry = entries[String(node)];
    return entry ? JSON.parse(JSON.stringify(entry)) : null;
  }
  function store(entry) {
    var node = String(entry.node);
    var previous = entries[node];
    var row = JSON.parse(JSON.stringify(entry));
    row.key = DB ? rowKey(node) : node;
    row.owner = DB ? DB.owner(USER, D.assessment) : "";
    row.user = USER;
    row.assessment = String(D.assessment);
    row.step = row.step || (previous && previous.step) || location.pathname;
    entries[node] = row;
    persist(function () { return DB.put("answers", row); });
    showQueue();
  }
  function drop(node) {
    node = String(node);
    if (!(node in entries)) return;
    delete entries[node];
    persist(function () { return DB.remove("answers", rowKey(node)); });
    showQueue();
  }
  function queued() { return Object.keys(entries); }

  // Entries kept by the release before this one (localStorage, per assessment)
  // join this account's queue once.
  function adoptOlder() {
    var prefix = "dti:q:" + D.assessment + ":";
    var keys = [];
    for (var i = 0; i < localStorage.length; i++) {
      var key = localStorage.key(i);
      if (key && key.indexOf(prefix) === 0) keys.push(key);
    }
    keys.forEach(function (key) {
      var entry = null;
      try { entry = JSON.parse(localStorage.getItem(key)); } catch (e) { entry = null; }
      if (entry && !(String(entry.node) in entries)) store(entry);
      localStorage.removeItem(key);
    });
  }

  var ready = (DB && USER ? Promise.all([
    DB.all("answers", USER, D.assessment),
    DB.all("files", USER, D.assessment),
    local ? DB.all("saved", USER, D.assessment) : []
  ]).then(function (found) {
    found[0].forEach(function (row) {
      var node = String(row.node), typed = entries[node];
      if (!typed) { entries[node] = row; return; }
      // Typed here before the queue was read: the change stays, on the version
      // the kept one was typed on, and a conflict kept for it stays with it.
      typed.version = row.version;
      typed.seq = Math.max(typed.seq, row.seq) + 1;
      if (row.conflict) typed.conflict = row.conflict;
      store(typed);
    });
    var ids = found[1].map(function (row) { return row.id; });
    fileRows = found[1].concat(fileRows.filter(function (row) {
      return ids.indexOf(row.id) < 0;
    }));
    found[2].forEach(function (row) { savedRows[String(row.node)] = row; });
  }) : Promise.resolve()).catch(function () { /* no IndexedDB: this page only */ })
    .then(function () {
      loaded = true;
      if (DB && USER) adoptOlder();
    });

  // "Not sent": this assessment's changes and files waiting here, and the
  // conflicts or refusals to settle on steps other than this one.
  function stepLabel(path) {
    var button = Array.prototype.find.call(
      document.querySelectorAll(".q-steps [data-step-url]"),
      function (b) { return new URL(b.dataset.stepUrl, location.href).pathname === path; }
    );
    var code = button && button.querySelector(".q-step-code");
    return code ? code.textContent : (button ? button.textContent.trim() : path);
  }

  function showQueue() {
    if (!queueNote) return;
    var answers = queued().length, files = fileRows.length;
    queueNote.textContent = "";
    queueNote.hidden = !(answers || files);
    if (!answers && !files) return;
    var strong = document.createElement("strong");
    strong.textContent = fmt(D.msgQueue, {answers: answers, files: files});
    queueNote.appendChild(strong);
    queued().map(load).filter(function (e) {
      return e && (e.conflict || e.invalid) && !fieldsetOf(e.node);
    }).forEach(function (e) {
      var a = document.createElement("a");
      a.href = e.step + "#ind-" + e.node;
      a.textContent = fmt(e.conflict ? D.msgConflictElsewhere : D.msgInvalidElsewhere,
        {step: stepLabel(e.step)});
      queueNote.appendChild(document.createTextNode(" "));
      queueNote.appendChild(a);
    });
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

  // Every field shows what the server holds (its own default value).
  function asSaved(fs) {
    return inputs(fs).every(function (pair) {
      var el = pair[1];
      if (pair[0] === "version" || el.type === "file" || el.type === "hidden") return true;
      if (el.type === "radio" || el.type === "checkbox") return el.checked === el.defaultChecked;
      return el.value === el.defaultValue;
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
    // Nor is one that leaves the answer as saved (a field left after its save).
    if (!previous && asSaved(fs)) return;
    typedSinceLoad = true;
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
    var sending = queued().map(load).filter(function (e) {
      return e && !e.conflict && !e.invalid;
    });
    if (!sending.length) {
      // Only files may wait: ask whether the server answers before sending them.
      if (!netDown) { afterFlush(); return; }
      serverUp().then(function (up) {
        if (up) { netDown = false; afterFlush(); } else if (!local) retryLater(false);
      });
      return;
    }
    if (!navigator.onLine) {  // the browser knows: no send until its "online" event
      netDown = true;
      setStatus(pendingUrl ? D.msgOfflineStay : local ? D.msgOfflineMoved : D.msgOffline,
        "pending");
      return;
    }
    inflight = true;
    setStatus(D.msgSaving, "pending");
    var body = JSON.stringify({format: FORMAT, answers: sending.map(function (e) {
      return {node: e.node, version: e.version, values: e.values, format: e.format || null};
    })});
    fetch(D.saveUrl, {
      method: "POST",
      credentials: "same-origin",
      keepalive: keepalive === true,
      headers: {
        "Content-Type": "application/json", "Accept": "application/json",
        "X-CSRFToken": csrf, "X-Queue-User": USER
      },
      body: body
    }).then(function (response) {
      return handle(response, sending);
    }).catch(function () {
      netDown = true;
      setStatus(pendingUrl ? D.msgOfflineStay : local ? D.msgOfflineMoved : D.msgOffline,
        "pending");
      retryLater(false);
    }).then(function () { inflight = false; afterFlush(); });
  }

  // Back online: files chosen meanwhile go next; then, on a page shown from this
  // browser's copy or with a step asked for meanwhile, once every change is on
  // the server, load what was asked for.
  function afterFlush() {
    if (netDown || !navigator.onLine || !form.isConnected) return;
    var waiting = queued().map(load).filter(function (e) {
      return e && !e.conflict && !e.invalid;
    });
    if (waiting.length) return;
    sendFiles().then(function (sent) {
      if (!sent || netDown) return;
      if (pendingUrl) location.assign(pendingUrl);
      else if (local) serverUp().then(function (up) { if (up) location.reload(); });
    });
  }

  function serverUp() {
    return fetch(D.csrfUrl, {credentials: "same-origin", cache: "no-store"})
      .then(function (r) { return r.ok; }, function () { return false; });
  }

  // The session ended (401), or someone else is signed in now: nothing was
  // saved and the changes wait (for their author); true for such a reply.
  function notThisSession(response) {
    if (response.status === 401) {
      setStatus(D.msgLogin, "error", true);
      retryLater(true);
      return true;
    }
    if (response.headers.get("X-Queue-Refused")) {
      setStatus(D.msgOtherAccount, "error");
      return true;
    }
    return false;
  }

  function handle(response, entries) {
    if (notThisSession(response)) return null;
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
      remember(sent, result.version);
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
    // Typed offline, a locked answer (the assessment submitted meanwhile) is
    // kept the same way: never dropped without the person seeing it.
    if (current && current.seq === sent.seq) {
      current.invalid = result.errors || {__all__: [result.message]};
      store(current);
    }
    if (fs) {
      fieldMessages(fs, result.errors || {__all__: [result.message]}, "error");
      showDiscard(fs);
      markStep("has-invalid");
    }
    return false;
  }

  // What this browser saw saved, for its copies of the pages (shown offline).
  function remember(sent, version) {
    var row = {
      key: DB ? rowKey(sent.node) : "", owner: DB ? DB.owner(USER, D.assessment) : "",
      user: USER, assessment: String(D.assessment), node: Number(sent.node),
      version: version, values: sent.values, format: sent.format || FORMAT
    };
    savedRows[String(sent.node)] = row;
    persist(function () { return DB.put("saved", row); });
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
      remember({node: entry.node, values: result.theirs, format: entry.format || FORMAT},
        result.version);
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
    // Adding evidence without a network: kept in the queue and sent later.
    // Removing, confirming or carrying evidence forward needs the server.
    var adding = !(submitter && submitter.getAttribute("formaction")) && !!data.get("kind");
    if (local || !navigator.onLine || netDown) {
      if (adding) keepEvidence(box, data, submitter);
      else evMessage(box, D.msgEvNeedsNetwork, "error");
      return;
    }
    evMessage(box, D.msgUploading, "pending");
    if (submitter) submitter.disabled = true;
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Accept": "application/json", "X-CSRFToken": csrf, "X-Queue-User": USER},
      body: data
    }).then(function (response) {
      if (response.status === 401) {
        evMessage(box, D.msgLogin, "error");
        return null;
      }
      if (response.headers.get("X-Queue-Refused")) {
        evMessage(box, D.msgOtherAccount, "error");
        return null;
      }
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") < 0) throw new Error("not json");
      return response.json().then(function (body) { evReply(box, body, submitter); });
    }).catch(function () {
      if (adding) keepEvidence(box, data, submitter);
      else evMessage(box, D.msgEvFailed, "error");
    }).then(function () {
      if (submitter && document.contains(submitter)) submitter.disabled = false;
    });
  }

  // Evidence waiting in the queue: {node, kind, name, size, fields, file, refused?}
  var FILE_MAX = Number(D.fileMax) || 0;
  var FILES_MAX = Number(D.filesMax) || 0;

  function sizeText(bytes) {
    var lang = document.documentElement.lang || "vi";
    if (bytes >= 1048576) {
      return new Intl.NumberFormat(lang, {maximumFractionDigits: 1}).format(bytes / 1048576) + " MB";
    }
    return new Intl.NumberFormat(lang, {maximumFractionDigits: 0})
      .format(Math.max(1, Math.ceil(bytes / 1024))) + " KB";
  }

  function keepEvidence(box, data, submitter) {
    if (!DB || !USER) { evMessage(box, D.msgEvFailed, "error"); return; }
    var fields = [], file = null;
    data.forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken") return;  // a fresh one goes with the send
      if (typeof value === "string") fields.push([name, value]);
      else if (value && (value.size || value.name)) file = value;
    });
    var kind = data.get("kind");
    if (kind === "file" && !file) { evMessage(box, D.msgEvChoose, "error"); return; }
    var size = file ? file.size : 0;
    var used = fileRows.reduce(function (n, row) { return n + (row.size || 0); }, 0);
    if (file && FILE_MAX && size > FILE_MAX) {
      evMessage(box, fmt(D.msgEvTooLarge, {limit: sizeText(FILE_MAX)}), "error");
      return;
    }
    if (file && FILES_MAX && used + size > FILES_MAX) {
      evMessage(box, fmt(D.msgEvNoRoom, {limit: sizeText(FILES_MAX)}), "error");
      return;
    }
    var label = file ? file.name : String(data.get(kind === "link" ? "url" : "doc_number") || "");
    var row = {
      owner: DB.owner(USER, D.assessment), user: USER, assessment: String(D.assessment),
      node: Number(data.get("node")), step: location.pathname, kind: kind,
      name: label, size: size, fields: fields, file: file, added: new Date().toISOString()
    };
    DB.put("files", row).then(function (id) {
      row.id = id;
      fileRows.push(row);
      showPending(row.node);
      showQueue();
      window.dispatchEvent(new Event("dti:queue"));
      var group = submitter && submitter.closest(".q-ev-group");
      if (group) group.querySelectorAll("input, textarea").forEach(function (el) { el.value = ""; });
      evMessage(box, D.msgEvKept, "pending");
    }, function () {
      evMessage(box, D.msgEvFailed, "error");
    });
  }

  function forgetEvidence(row) {
    fileRows = fileRows.filter(function (r) { return r.id !== row.id; });
    persist(function () { return DB.remove("files", row.id); });
    showPending(row.node);
    showQueue();
  }

  function showPending(node) {
    var box = document.querySelector("[data-ev-node='" + node + "']");
    if (!box) return;
    var list = box.querySelector(".q-ev-pending");
    if (!list) {
      list = document.createElement("ul");
      list.className = "q-ev-pending";
      box.querySelector(".q-ev-list").after(list);
    }
    list.textContent = "";
    fileRows.filter(function (row) { return String(row.node) === String(node); })
      .forEach(function (row) {
        var li = document.createElement("li");
        li.setAttribute("data-ev-pending", "");
        var what = row.file ? row.name + " (" + sizeText(row.size) + ")" : row.name;
        li.appendChild(document.createTextNode(fmt(D.msgEvPending, {name: what})));
        if (row.refused) {
          var why = document.createElement("span");
          why.className = "error";
          why.textContent = " " + row.refused;
          li.appendChild(why);
        }
        var discard = document.createElement("button");
        discard.type = "button";
        discard.className = "link";
        discard.textContent = D.msgEvDiscard;
        discard.addEventListener("click", function () { forgetEvidence(row); });
        li.appendChild(document.createTextNode(" "));
        li.appendChild(discard);
        list.appendChild(li);
      });
    list.hidden = !list.children.length;
  }

  // Sent one at a time once every answer is on the server; true when nothing
  // waits any more (or only what the server refused, marked for the person).
  // Two tabs of one assessment send one at a time (a Web Lock where the browser
  // has them), each sending only what is still kept when its turn comes.
  var sendingFiles = false;
  function sendFiles() {
    if (!fileRows.some(function (row) { return !row.refused; })) return Promise.resolve(true);
    if (sendingFiles) return Promise.resolve(false);
    sendingFiles = true;
    function run() {
      return DB.all("files", USER, D.assessment).then(function (rows) {
        fileRows = rows;
        document.querySelectorAll("[data-ev-node]").forEach(function (box) {
          showPending(box.dataset.evNode);
        });
        showQueue();
        return rows.filter(function (row) { return !row.refused; })
          .reduce(function (chain, row) {
            return chain.then(function (go) { return go ? sendEvidence(row) : false; });
          }, Promise.resolve(true));
      });
    }
    var turn = navigator.locks
      ? navigator.locks.request("dti-send:" + DB.owner(USER, D.assessment), run)
      : run();
    return turn.then(function (done) {
      sendingFiles = false;
      return done;
    }, function () {
      sendingFiles = false;
      return false;
    });
  }

  function sendEvidence(row) {
    var data = new FormData();
    row.fields.forEach(function (pair) { data.append(pair[0], pair[1]); });
    if (row.file) data.append("file", row.file, row.name);
    var box = document.querySelector("[data-ev-node='" + row.node + "']");
    evMessage(box, D.msgUploading, "pending");
    return fetch(D.evidenceUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Accept": "application/json", "X-CSRFToken": csrf, "X-Queue-User": USER},
      body: data
    }).then(function (response) {
      if (notThisSession(response)) return false;
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") < 0) {
        if (response.status === 403) { retryLater(true); return false; }  // CSRF
        return response.status >= 500 ? false : refuse(row, D.msgEvFailed);
      }
      return response.json().then(function (body) {
        if (typeof body.html !== "string") {
          var texts = [];
          Object.keys(body.errors || {}).forEach(function (key) {
            body.errors[key].forEach(function (t) { if (texts.indexOf(t) < 0) texts.push(t); });
          });
          return refuse(row, texts.join(" ") || D.msgEvFailed);
        }
        if (box) {
          box.querySelector(".q-ev-list").innerHTML = body.html;
          evMessage(box, body.message, "");
        }
        forgetEvidence(row);
        return true;
      });
    }, function () {
      netDown = true;
      evMessage(box, D.msgEvKept, "pending");
      retryLater(false);
      return false;
    });
  }

  // Refused for good (not allowed, too large, not a document): kept and marked
  // until the person discards it; the others go on.
  function refuse(row, text) {
    row.refused = text;
    persist(function () { return DB.put("files", row); });
    showPending(row.node);
    var box = document.querySelector("[data-ev-node='" + row.node + "']");
    evMessage(box, text, "error");
    return true;
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
  // the queue. A page answering a POST (a conflict, errors) is never reloaded:
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
  if (!local && D.posted !== "1" && pageIsOld() && loadAgain()) return;

  form.addEventListener("input", onEdit);
  form.addEventListener("change", onEdit);
  window.addEventListener("online", function () { if (form.isConnected) flush(); });
  window.addEventListener("focus", function () {
    if (form.isConnected) refreshToken().catch(function () {});
  });
  document.addEventListener("visibilitychange", function () {
    if (!form.isConnected) return;
    // A last send as the page goes, unless the browser knows it has no network.
    if (document.visibilityState === "hidden" && queued().length && navigator.onLine &&
        !netDown && !local) {
      flush(true);
    }
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
  ready.then(function () {
    if (!form.isConnected) return;
    if (local) showKnownVersions();
    showUnsent();
    fileRows.forEach(function (row) { showPending(row.node); });
    showQueue();
    if (queued().length || fileRows.length) schedule(typedSinceLoad ? DEBOUNCE_MS : 0);
    else if (local) afterFlush();
  });

  // A page shown from this browser's copy carries the answers and versions it had
  // then: the answers this browser saw saved since are put over them (never an
  // older value shown as saved), and the versions known here are used.
  function showKnownVersions() {
    fieldsets.forEach(function (fs) {
      var saved = savedRows[fs.dataset.node];
      if (saved && saved.version > Number(fs.dataset.version)) {
        var values = shownValues(saved);
        fill(fs, values);
        setDefaults(fs, values);
        setVersion(fs, saved.version);
      }
      // A newer version known without its values is not used: a change typed
      // over the copy's older values then meets the server's conflict check.
    });
    setStatus(D.msgOfflineMoved, "pending");
  }
  if (local) {
    // Until the server answers again: tried every 15 s, and at once on "online".
    setInterval(function () {
      if (!inflight && form.isConnected) { netDown = false; flush(); }
    }, 15000);
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

  // Moving between steps without a network: the step is shown from the copy the
  // service worker keeps (every step and the review page are fetched ahead while
  // connected), or the person stays here and is told that it opens when the
  // connection returns. What was typed is already in the queue.
  var KEEP_FOR_MS = 10 * 60 * 1000;  // a copy younger than this is not fetched again

  function keptCopy(path) {
    if (!window.caches || !DB || !USER) return Promise.resolve(null);
    return caches.open(DB.pageCache(USER)).then(function (cache) {
      return cache.match(path, {ignoreSearch: true});
    }).catch(function () { return null; });
  }

  function stepPaths() {
    var paths = [location.pathname];
    if (D.questionnaireUrl) paths.push(D.questionnaireUrl);  // /fill/, sent on to a step
    document.querySelectorAll("[data-step-url]").forEach(function (button) {
      var path = new URL(button.dataset.stepUrl, location.href).pathname;
      if (paths.indexOf(path) < 0) paths.push(path);
    });
    return paths;
  }

  // The worker fetches and keeps them (a page it does not control yet, opened
  // while it was being installed, could not have its own fetches kept).
  function fetchAhead() {
    if (local || !navigator.onLine || !navigator.serviceWorker || !USER) return;
    navigator.serviceWorker.ready.then(function (registration) {
      if (!registration.active || !form.isConnected) return;
      registration.active.postMessage(
        {type: "keep", user: USER, paths: stepPaths(), freshFor: KEEP_FOR_MS}
      );
    }).catch(function () { /* no worker: online only */ });
  }
  if (!local) setTimeout(fetchAhead, 1000);

  function goOffline(path, search) {
    keptCopy(path).then(function (hit) {
      if (hit && navigator.serviceWorker) {
        // Every change is in the queue before the page goes.
        clearTimeout(timer);
        writes.then(function () { location.assign(path + search); });
        return;
      }
      pendingUrl = path;
      setStatus(D.msgOfflineStay, "pending");
      flush();
    });
  }

  form.addEventListener("submit", function (event) {
    if (navigator.onLine && !netDown && !local) return;  // the server saves and moves
    event.preventDefault();
    var button = event.submitter;
    if (!button || button.name !== "wizard_goto_step" || !button.dataset.stepUrl) {
      flush();  // "Save" without a network: the queue keeps it, and says so
      return;
    }
    var path = new URL(button.dataset.stepUrl, location.href).pathname;
    if (path === location.pathname) return;
    goOffline(path, form.classList.contains("q-attention-only") ? "?attention=1" : "");
  });
  form.addEventListener("submit", function () {
    clearTimeout(timer);  // the POST itself saves the step; entries stay until confirmed
  });
  }

  start(document.documentElement.dataset.offlineCopy !== undefined);
})();
