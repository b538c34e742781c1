// Saving annotations to the server (ecabinet/annotations, see its package docstring): one
// request at a time per annotation, each naming the revision it starts from. When the
// server cannot be reached the change waits in IndexedDB (offline-queue.js) and is sent,
// in order, once it can; a reload in between keeps it. The owner's other devices are told
// over /live; this tab names itself (X-Ecabinet-Device) and ignores its own echo.

const RETRY_MS = 3000;

class Unreachable extends Error {}

export class Sync {
  constructor({ documentId, version, device, queue, onAnswer, onPending, onStale }) {
    Object.assign(this, { documentId, version, device, queue, onAnswer, onPending, onStale });
    this.base = `/documents/${documentId}/annotations`;
    this.token = document.querySelector('meta[name="csrf-token"]')?.content || "";
    this.chains = new Map();   // client_id -> the promise of its last request
    this.flushing = null;
    this.timer = null;
    this.pending = 0;
    window.addEventListener("online", () => this.flush());
  }

  async request(path, body) {
    let response;
    try {
      response = await fetch(path, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": this.token,
                   "X-Ecabinet-Device": this.device },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new Unreachable();  // offline, or the server is down
    }
    // A signed-out session answers with the sign-in page: not an answer, keep the change.
    if (!(response.headers.get("Content-Type") || "").includes("application/json")
        || response.status >= 500) throw new Unreachable();
    return { status: response.status, json: await response.json() };
  }

  /** Run `task` after the earlier requests of the same annotation. */
  chain(clientId, task) {
    const next = (this.chains.get(clientId) || Promise.resolve()).then(task, task);
    this.chains.set(clientId, next.catch(() => {}));
    return next;
  }

  /** Save `fields` of annotation `rec` (rec.clientId, rec.revision kept up to date). */
  save(rec, fields) {
    return this.chain(rec.clientId, async () => {
      if (this.pending || !navigator.onLine) {
        await this.park(rec.clientId, "save", { payload: fields, revision: rec.revision });
        return;
      }
      try {
        await this.sendSave(rec.clientId, fields, rec.revision);
      } catch (error) {
        if (!(error instanceof Unreachable)) throw error;
        await this.park(rec.clientId, "save", { payload: fields, revision: rec.revision });
      }
    });
  }

  remove(rec) {
    return this.chain(rec.clientId, async () => {
      const queued = await this.queue.get(rec.clientId).catch(() => null);
      if (!rec.revision && queued) {  // never reached the server: forget it here too
        await this.queue.remove(rec.clientId);
        await this.count();
        return;
      }
      if (!rec.revision) return;
      if (this.pending || !navigator.onLine) {
        await this.park(rec.clientId, "delete", { revision: rec.revision });
        return;
      }
      try {
        await this.sendDelete(rec.clientId, rec.revision);
      } catch (error) {
        if (!(error instanceof Unreachable)) throw error;
        await this.park(rec.clientId, "delete", { revision: rec.revision });
      }
    });
  }

  async sendSave(clientId, fields, revision) {
    const body = { ...fields, client_id: clientId, base_revision: revision };
    if (this.version) body.version = this.version;
    let { status, json } = await this.request(this.base, body);
    if (status === 409 && json.error === "stale_version") {
      // A new version arrived: keep the note all the same, on the version now current.
      this.version = null;
      this.onStale?.();
      delete body.version;
      ({ status, json } = await this.request(this.base, body));
    }
    if (status >= 400) {
      console.warn("annotation not saved", status, json.message);
      return;
    }
    this.onAnswer(clientId, json);
  }

  async sendDelete(clientId, revision) {
    const { status, json } = await this.request(
      `${this.base}/${encodeURIComponent(clientId)}/delete?revision=${revision}`);
    if (status >= 400 && status !== 409) {
      console.warn("annotation not deleted", status, json.message);
      return;
    }
    this.onAnswer(clientId, json);
  }

  /** Keep a change for later; the latest change of an annotation replaces the one queued. */
  async park(clientId, op, { payload = null, revision = 0 }) {
    const queued = await this.queue.get(clientId).catch(() => null);
    // The revision to start from is the server's last known one: a change queued after a
    // queued change still starts from it.
    const base = queued ? queued.revision : revision;
    await this.queue.put(clientId, op, { payload, revision: base });
    await this.count();
    this.later();
  }

  async count() {
    const entries = await this.queue.list().catch(() => []);
    this.pending = entries.length;
    this.onPending(this.pending);
    return entries;
  }

  later() {
    clearTimeout(this.timer);
    if (this.pending) this.timer = setTimeout(() => this.flush(), RETRY_MS);
  }

  /** Send what waits, oldest first; stop at the first that cannot reach the server. */
  flush() {
    if (!this.flushing) {
      this.flushing = this.sendQueued().finally(() => {
        this.flushing = null;
        this.later();
      });
    }
    return this.flushing;
  }

  async sendQueued() {
    const entries = await this.count();
    for (const entry of entries) {
      try {
        await this.chain(entry.clientId, async () => {
          const current = await this.queue.get(entry.clientId);
          if (!current) return;
          if (current.op === "save") await this.sendSave(current.clientId, current.payload, current.revision);
          else await this.sendDelete(current.clientId, current.revision);
          await this.queue.remove(current.clientId, current.at);
        });
      } catch (error) {
        if (error instanceof Unreachable) break;
        console.warn("annotation queue", error);
      }
    }
    await this.count();
  }
}
