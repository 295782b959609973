/* What this browser keeps for working without a network, in IndexedDB (shared by
 * the pages and the service worker; docs/offline.md).
 *
 *   answers  changes not yet confirmed by the server, one per account, assessment
 *            and indicator: {key, owner, user, assessment, node, version, values,
 *            format, seq, step, conflict?, invalid?}
 *   files    evidence chosen without a network: {id, owner, user, assessment,
 *            node, step, name, size, kind, fields: [[name, value]], file: Blob}
 *   saved    the last answer this browser saw saved, so that a page shown from
 *            the browser's copy shows it rather than the copy's older value
 *   meta     {name: "user", value: id of the account last signed in here}
 *
 * Every row carries its account and assessment ("owner" = "user:assessment"):
 * a page reads and sends only its own account's rows for its own assessment.
 */
(function (scope) {
  "use strict";
  var NAME = "dti-offline";
  var STORES = ["answers", "files", "saved"];
  var opened = null;

  function open() {
    if (opened) return opened;
    opened = new Promise(function (resolve, reject) {
      if (!scope.indexedDB) { reject(new Error("no IndexedDB")); return; }
      var request = scope.indexedDB.open(NAME, 1);
      request.onupgradeneeded = function () {
        var db = request.result;
        STORES.forEach(function (name) {
          var store = name === "files"
            ? db.createObjectStore(name, {keyPath: "id", autoIncrement: true})
            : db.createObjectStore(name, {keyPath: "key"});
          store.createIndex("owner", "owner");
          store.createIndex("user", "user");
        });
        db.createObjectStore("meta", {keyPath: "name"});
      };
      request.onsuccess = function () {
        // A later release that changes the database may open it: let it.
        request.result.onversionchange = function () {
          request.result.close();
          opened = null;
        };
        resolve(request.result);
      };
      request.onerror = function () { reject(request.error); };
      request.onblocked = function () { reject(new Error("blocked")); };
    });
    opened.catch(function () { opened = null; });
    return opened;
  }

  function run(names, mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(names, mode);
        var result = work(tx);
        tx.oncomplete = function () {
          resolve(result && typeof result === "object" && "result" in result
            ? result.result : result);
        };
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error || new Error("aborted")); };
      });
    });
  }

  function owner(user, assessment) { return String(user) + ":" + String(assessment); }

  var DTIStore = {
    owner: owner,
    key: function (user, assessment, node) {
      return owner(user, assessment) + ":" + String(node);
    },
    pageCache: function (user) { return "dti-pages-" + String(user); },
    all: function (store, user, assessment) {
      return run([store], "readonly", function (tx) {
        return tx.objectStore(store).index("owner").getAll(owner(user, assessment));
      });
    },
    put: function (store, value) {
      return run([store], "readwrite", function (tx) {
        return tx.objectStore(store).put(value);
      });
    },
    remove: function (store, key) {
      return run([store], "readwrite", function (tx) {
        tx.objectStore(store).delete(key);
      });
    },
    // How many changes and files of this account wait in this browser.
    count: function (user) {
      return run(["answers", "files"], "readonly", function (tx) {
        var counts = {answers: 0, files: 0};
        ["answers", "files"].forEach(function (name) {
          var request = tx.objectStore(name).index("user").count(String(user));
          request.onsuccess = function () { counts[name] = request.result; };
        });
        return counts;
      });
    },
    // Everything this browser keeps for the account: its queue, what it saw
    // saved and its copies of pages (when it logs out).
    forget: function (user) {
      user = String(user);
      return run(STORES.concat(["meta"]), "readwrite", function (tx) {
        STORES.forEach(function (name) {
          var store = tx.objectStore(name);
          var request = store.index("user").openKeyCursor(IDBKeyRange.only(user));
          request.onsuccess = function () {
            var cursor = request.result;
            if (!cursor) return;
            store.delete(cursor.primaryKey);
            cursor.continue();
          };
        });
        var meta = tx.objectStore("meta");
        var current = meta.get("user");
        current.onsuccess = function () {
          if (current.result && current.result.value === user) meta.delete("user");
        };
      }).catch(function () { /* the page copies go all the same */ }).then(function () {
        return scope.caches ? scope.caches.delete(DTIStore.pageCache(user)) : null;
      });
    },
    currentUser: function () {
      return run(["meta"], "readonly", function (tx) {
        return tx.objectStore("meta").get("user");
      }).then(function (row) { return row ? row.value : ""; });
    },
    setUser: function (user) {
      return run(["meta"], "readwrite", function (tx) {
        tx.objectStore("meta").put({name: "user", value: String(user || "")});
      });
    }
  };
  scope.DTIStore = DTIStore;
})(self);
