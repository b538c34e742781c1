// The annotations not yet on the server, kept in the browser's IndexedDB so that a note made
// while the connection is down survives a reload and is sent when the server can be reached.
// One entry per annotation (the last change wins: a save after a save replaces it, a delete
// replaces a save), keyed by document and client_id. The raw IndexedDB API, no library.

const DB_NAME = "ecabinet-annotations";
const STORE = "pending";
const VERSION = 1;

let opening = null;

function openDb() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, VERSION);
      request.onupgradeneeded = () => {
        const store = request.result.createObjectStore(STORE, { keyPath: "key" });
        store.createIndex("document", "documentId");
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    }).catch((error) => {
      opening = null;
      throw error;
    });
  }
  return opening;
}

function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function store(mode) {
  const db = await openDb();
  return db.transaction(STORE, mode).objectStore(STORE);
}

/** The queue of one document for one signed-in user (two users on one tablet keep theirs
 * apart). Entries: {key, documentId, clientId, op: "save"|"delete", payload, revision, at}. */
export class OfflineQueue {
  constructor(documentId, userKey = "") {
    this.documentId = `${userKey}:${documentId}`;
  }

  key(clientId) {
    return `${this.documentId}:${clientId}`;
  }

  async list() {
    const index = (await store("readonly")).index("document");
    const entries = await done(index.getAll(this.documentId));
    return entries.sort((a, b) => a.at - b.at);
  }

  async get(clientId) {
    return done((await store("readonly")).get(this.key(clientId)));
  }

  /** Queue a save (payload as POSTed) or a delete; the latest change of an annotation wins. */
  async put(clientId, op, { payload = null, revision = 0 } = {}) {
    const entry = {
      key: this.key(clientId), documentId: this.documentId, clientId, op, payload, revision,
      at: Date.now(),
    };
    await done((await store("readwrite")).put(entry));
    return entry;
  }

  async remove(clientId, at = null) {
    const objects = await store("readwrite");
    if (at !== null) {
      // Only the entry that was sent: a change queued meanwhile stays to be sent next.
      const entry = await done(objects.get(this.key(clientId)));
      if (!entry || entry.at !== at) return;
    }
    await done(objects.delete(this.key(clientId)));
  }
}
