/* The service worker: the questionnaire without a network (docs/offline.md).
 *
 * - The assets the kept pages use are stored when the worker is installed, under a
 *   name that changes with their content, and answered from there.
 * - Pages the server marks (X-Offline-Cache: <account>) are answered from the
 *   network first and a copy is kept in that account's own cache; without a
 *   network the copy is shown, marked on its <html> element with the time it was
 *   kept, and only to the account last seen signed in here (pages tell it, see
 *   static/js/store.js). Anything else without a network: a page that says so.
 * - Questionnaire pages ask for their steps and review page to be kept ahead.
 * - Nothing is ever sent from here: answers and files wait in the page's queue.
 */
"use strict";
var CONFIG = {{ config|safe }};
importScripts(CONFIG.store);

var ASSETS = "dti-assets-" + CONFIG.version;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(ASSETS).then(function (cache) {
    return cache.addAll(CONFIG.assets.concat([CONFIG.offline]));
  }).then(function () { return self.skipWaiting(); }));
});

// The assets of the two releases before this one stay: pages kept then name
// them (hashed names), and must still work offline until kept again.
var ASSET_RELEASES_KEPT = 3;

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    var older = names.filter(function (name) {
      return name.indexOf("dti-assets-") === 0 && name !== ASSETS;
    });
    return Promise.all(older.slice(0, Math.max(0, older.length - (ASSET_RELEASES_KEPT - 1)))
      .map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function keep(request, response) {
  var user = response.headers.get("X-Offline-Cache");
  if (!response.ok || !user || response.type !== "basic") return Promise.resolve();
  var headers = new Headers(response.headers);
  headers.set("X-Kept-At", new Date().toISOString());
  var url = new URL(response.url);
  var asked = new URL(request.url);
  return response.clone().text().then(function (body) {
    return caches.open(DTIStore.pageCache(user)).then(function (cache) {
      var copy = function () { return new Response(body, {status: 200, headers: headers}); };
      var puts = [cache.put(url.pathname + url.search, copy())];
      // A bare address that was sent on (/fill/ to the step last shown) opens
      // that step without a network too.
      if (asked.pathname + asked.search !== url.pathname + url.search) {
        puts.push(cache.put(asked.pathname + asked.search, copy()));
      }
      return Promise.all(puts);
    });
  }).catch(function () { /* storage full: the page still works online */ });
}

function kept(url) {
  return DTIStore.currentUser().then(function (user) {
    if (!user) return null;
    return caches.open(DTIStore.pageCache(user)).then(function (cache) {
      return cache.match(url.pathname + url.search).then(function (hit) {
        return hit || cache.match(url.pathname, {ignoreSearch: true});
      });
    });
  }).then(function (hit) {
    if (!hit) return null;
    var at = hit.headers.get("X-Kept-At") || "";
    // The page's own headers go with it (its Content-Security-Policy above all).
    var headers = new Headers(hit.headers);
    headers.delete("Content-Length");
    headers.set("Content-Type", "text/html; charset=utf-8");
    return hit.text().then(function (body) {
      body = body.replace(/<html(\s|>)/, '<html data-offline-copy="' + at + '"$1');
      return new Response(body, {status: 200, headers: headers});
    });
  }).catch(function () { return null; });
}

// A questionnaire page asks for its steps and review page to be kept: fetched one
// at a time, unless a copy younger than freshFor milliseconds is kept already.
var KEEPABLE = /^\/(assessments\/\d+\/(fill\/([^/]+\/)?|review\/))?$/;

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "keep" || !Array.isArray(data.paths)) return;
  var paths = data.paths.slice(0, 50).filter(function (path) {
    return KEEPABLE.test(new URL(String(path), self.location.origin).pathname);
  });
  event.waitUntil(keepAll(String(data.user), paths, Number(data.freshFor) || 0));
});

function keepAll(user, paths, freshFor) {
  return caches.open(DTIStore.pageCache(user)).then(function (cache) {
    return paths.reduce(function (chain, path) {
      return chain.then(function () {
        var url = new URL(String(path), self.location.origin);
        if (url.origin !== self.location.origin) return null;
        return cache.match(url.pathname + url.search).then(function (hit) {
          var at = hit ? Date.parse(hit.headers.get("X-Kept-At") || "") : 0;
          if (hit && Date.now() - at < freshFor) return null;
          var request = new Request(url.pathname + url.search, {
            credentials: "same-origin", headers: {"X-Prefetch": "1"}
          });
          return fetch(request).then(function (response) { return keep(request, response); });
        }).catch(function () { /* no network: kept as it was */ });
      });
    }, Promise.resolve());
  });
}

function offlinePage() {
  return caches.match(CONFIG.offline).then(function (page) {
    return page || Response.error();
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (CONFIG.assets.indexOf(url.pathname) >= 0) {
    event.respondWith(caches.open(ASSETS).then(function (cache) {
      return cache.match(url.pathname).then(function (hit) {
        return hit || fetch(request);
      });
    }));
    return;
  }
  if (url.pathname.indexOf(CONFIG.static) === 0) {
    // An asset of an earlier release, named by a page kept then: from the
    // earlier caches when the network is gone.
    event.respondWith(fetch(request).catch(function (error) {
      return caches.match(url.pathname).then(function (hit) {
        if (hit) return hit;
        throw error;
      });
    }));
    return;
  }
  var page = request.mode === "navigate" || request.headers.has("X-Prefetch");
  if (!page) return;
  event.respondWith(fetch(request).then(function (response) {
    if (response.status >= 502 && response.status <= 504 && request.mode === "navigate") {
      // The proxy answers but the application does not (an upgrade, an outage).
      return kept(url).then(function (copy) { return copy || response; });
    }
    event.waitUntil(keep(request, response));
    return response;
  }, function (error) {
    return kept(url).then(function (copy) {
      if (copy) return copy;
      if (request.mode === "navigate") return offlinePage();
      throw error;
    });
  }));
});
