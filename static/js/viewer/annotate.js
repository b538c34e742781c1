// Annotating a document, with PDF.js's own annotation editor layer: highlight (on text, or
// free-hand where a scan has none), free text, ink (pen, mouse or finger), and our sticky
// notes (annot-notes.js); colours, undo/redo, delete. The reader's annotations are private
// and kept on the server, per document version: loaded on open (each drawn again from the
// editor's serialised form), every change saved with its revision (annot-sync.js), changes
// from the reader's other devices applied live over /live, and changes made offline queued
// in IndexedDB (offline-queue.js) until the server can be reached.
import { connect } from "../live.js";
import { viewerReady } from "../viewer.js";
import { Notes } from "./annot-notes.js";
import { Redline } from "./annot-redline.js";
import { clean, describe, kindOf, revive, textIn, uuid } from "./annot-shape.js";
import { Sync } from "./annot-sync.js";
import { pdfjsLib } from "./load-pdfjs.js";
import { OfflineQueue } from "./offline-queue.js";

const { AnnotationEditorType: Mode, AnnotationEditorParamsType: Param } = pdfjsLib;
const TOOLS = { highlight: Mode.HIGHLIGHT, freetext: Mode.FREETEXT, ink: Mode.INK, note: Mode.NONE };
const SWEEP_MS = 350;

const viewer = document.getElementById("viewer");
const dock = document.getElementById("annot-dock");
const toggle = document.getElementById("annot-toggle");
const status = document.getElementById("annot-sync");
const badge = toggle?.querySelector(".annot-badge");
const label = (name, values = {}) => Object.entries(values).reduce(
  (text, [k, v]) => text.replaceAll(`{${k}}`, v), dock.dataset[name] || "");
const plurals = new Intl.PluralRules(document.documentElement.lang || "vi");
const plural = (name, count) => label(name + (plurals.select(count) === "one" ? "One" : "Other"),
  { count });

const documentId = Number(dock?.dataset.documentId);
const device = uuid();
const records = new Map();          // client_id -> {clientId, kind, revision, shown, editor, deleted}
const editorIds = new WeakMap();    // PDF.js editor -> client_id
const waiting = new Map();          // page index -> [record] whose editor layer is not drawn yet
const textCache = new Map();
let pdfViewer = null;
let uiManager = null;
let pdf = null;
let tool = null;
// Each tool keeps its colour: a yellow marker, a red pen.
const colors = { highlight: "#ffd400", freetext: "#ff5a5f", ink: "#ff5a5f", note: "#ffd400" };
const PARAMS = { highlight: Param.HIGHLIGHT_COLOR, freetext: Param.FREETEXT_COLOR, ink: Param.INK_COLOR };
const INK_THICKNESS = 2;
let sweepTimer = null;
let applying = 0;
let notes = null;
let sync = null;

function record(clientId, fields = {}) {
  let rec = records.get(clientId);
  if (!rec) {
    rec = { clientId, kind: null, revision: 0, shown: null, editor: null, deleted: false, fields: null };
    records.set(clientId, rec);
  }
  return Object.assign(rec, fields);
}

// ---- drawing stored annotations ------------------------------------------------------------
function display(rec, fields) {
  rec.fields = fields;
  rec.kind = fields.kind;
  rec.deleted = false;
  if (fields.kind === "note") {
    notes.show({ ...Notes.fromServer({ ...fields, client_id: rec.clientId }) });
    return;
  }
  if (!fields.data) return;
  const pageIndex = fields.page - 1;
  const layer = uiManager.getLayer(pageIndex);
  if (layer?.div) {
    materialise(rec, layer);
  } else {
    if (!waiting.has(pageIndex)) waiting.set(pageIndex, []);
    waiting.get(pageIndex).push(rec);
  }
}

async function materialise(rec, layer) {
  const fields = rec.fields;
  applying += 1;
  try {
    // As PDF.js itself copies a page's editors: a copy (free text gets its words back) that
    // is a clone (it stays where it was, not moved aside as a pasted one).
    const data = revive({ ...fields.data, pageIndex: fields.page - 1, isCopy: fields.kind !== "highlight" });
    const editor = await layer.deserialize(data);
    if (!editor || rec.fields !== fields || rec.deleted || rec.editor) return;
    editorIds.set(editor, rec.clientId);
    rec.editor = editor;
    editor.isClone = true;
    const { x, y } = editor;
    // Not as if just made by hand: no undo step that would take it away, no focus.
    editor.onceAdded = () => { editor._isDraggable = fields.kind !== "freetext"; };
    layer.addOrRebuild(editor);
    delete editor.onceAdded;
    // A new free text is moved up by its font size (the click is its baseline) and its box
    // is saved with a padding: a stored one goes exactly where it was saved.
    const saved = fields.data.rect;
    if (saved && (editor.x !== x || editor.y !== y || fields.kind === "freetext")) {
      editor.x = x;
      editor.y = y;
      const shown = editor.getPDFRect();
      const [width, height] = editor.pageDimensions;
      editor.x -= (shown[0] - saved[0]) / width;
      editor.y += (shown[1] - saved[1]) / height;
      editor.fixAndSetPosition();
    }
    layer.div.hidden = false;
    if (uiManager.getMode() === Mode.NONE) editor.disable?.();
    rec.shown = serialised(editor);
  } catch (error) {
    // Not drawn: forget the half-made editor, so that its absence is not taken for a delete.
    if (rec.editor && !uiManager.getEditor(rec.editor.id)) {
      editorIds.delete(rec.editor);
      rec.editor = null;
    }
    console.warn("annotation not drawn", rec.clientId, error);
  } finally {
    applying -= 1;
  }
}

function undisplay(rec) {
  if (rec.kind === "note") notes.hide(rec.clientId);
  for (const list of waiting.values()) {
    const at = list.indexOf(rec);
    if (at >= 0) list.splice(at, 1);
  }
  const editor = rec.editor;
  rec.editor = null;
  rec.shown = null;
  if (editor) {
    editorIds.delete(editor);
    applying += 1;
    try { editor.remove(); } finally { applying -= 1; }
  }
}

function serialised(editor) {
  const data = editor.serialize(false);
  return data && !data.deleted ? JSON.stringify(clean(data)) : null;
}

/** The server's word on an annotation (a save's answer, another device's change). */
function apply(a) {
  if (!a || a.document_id !== documentId) return;
  const rec = records.get(a.client_id);
  if (rec && a.revision <= rec.revision) return;
  if (a.deleted || a.anchor === "unplaced") {
    if (rec) {
      undisplay(rec);
      rec.deleted = true;
      rec.revision = a.revision;
    }
    return;
  }
  const target = record(a.client_id);
  undisplay(target);
  target.revision = a.revision;
  display(target, a);
}

function answered(clientId, body) {
  const rec = records.get(clientId);
  const stored = body.annotation;
  if (body.outcome === "conflict" && body.copy && rec) {
    // Another device changed this note meanwhile: the server kept its edit, and ours as a
    // copy. What is on the page is ours: it becomes the copy, and theirs is drawn beside.
    const copy = record(body.copy.client_id, { revision: body.copy.revision, kind: rec.kind,
      fields: body.copy, editor: rec.editor, shown: rec.shown });
    if (rec.editor) editorIds.set(rec.editor, copy.clientId);
    if (rec.kind === "note") {
      notes.hide(rec.clientId);
      notes.show(Notes.fromServer(body.copy));
    }
    rec.editor = null;
    rec.revision = 0;
    apply(stored);
    return;
  }
  if (body.outcome === "conflict" && stored && rec) {  // a delete refused: it changed elsewhere
    rec.revision = 0;
    apply(stored);
    return;
  }
  if (rec && stored) rec.revision = Math.max(rec.revision, stored.revision);
}

// ---- what the reader changes -----------------------------------------------------------------
function textOf(pageNumber) {
  if (!textCache.has(pageNumber)) {
    textCache.set(pageNumber, pdf.getPage(pageNumber).then((page) => page.getTextContent())
      .then((content) => content.items).catch(() => []));
  }
  return textCache.get(pageNumber);
}

function scheduleSweep() {
  clearTimeout(sweepTimer);
  sweepTimer = setTimeout(sweep, SWEEP_MS);
}

/** Compare every editor with what was last saved of it: new ones, changed ones, gone ones. */
async function sweep() {
  if (!uiManager || applying) {
    if (uiManager) scheduleSweep();
    return;
  }
  const seen = new Set();
  const changed = [];
  for (let index = 0; index < pdfViewer.pagesCount; index += 1) {
    for (const editor of uiManager.getEditors(index)) {
      if (!kindOf(editor)) continue;
      let clientId = editorIds.get(editor);
      if (clientId) seen.add(clientId);
      // Still being typed, or not drawn yet: looked at again on the next change.
      if (editor.isInEditMode?.() && editor.editorType === "freetext") continue;
      if (editor.isEmpty()) continue;
      const shown = serialised(editor);
      if (!shown) continue;
      if (!clientId) {
        clientId = uuid();
        editorIds.set(editor, clientId);
      }
      const rec = record(clientId, { editor, kind: kindOf(editor), deleted: false });
      seen.add(clientId);
      if (rec.shown !== shown) {
        rec.shown = shown;
        changed.push([rec, editor, JSON.parse(shown)]);
      }
    }
  }
  for (const rec of records.values()) {
    if (rec.editor && !seen.has(rec.clientId) && !rec.deleted) {
      rec.deleted = true;
      rec.shown = null;
      sync.remove(rec);
    }
  }
  for (const [rec, editor, data] of changed) {
    const fields = describe(editor, data, await textOf(editor.pageIndex + 1));
    rec.fields = fields;
    sync.save(rec, fields);
  }
}

function editNote(action, note, before) {
  // Through PDF.js's own undo stack, so that undo/redo also take back a note.
  const put = (value) => {
    const rec = record(value.clientId, { kind: "note", deleted: false });
    notes.show(value);
    rec.fields = Notes.fields(value);
    sync.save(rec, rec.fields);
  };
  const drop = (value) => {
    const rec = records.get(value.clientId);
    notes.hide(value.clientId);
    if (rec) {
      rec.deleted = true;
      sync.remove(rec);
    }
  };
  let cmd;
  let undo;
  if (action === "create") [cmd, undo] = [() => put(note), () => drop(note)];
  else if (action === "update") [cmd, undo] = [() => put(note), () => put(before)];
  else [cmd, undo] = [() => drop(note), () => put(note)];
  if (uiManager) uiManager.addCommands({ cmd, undo, mustExec: true });
  else cmd();
}

// ---- the toolbar -----------------------------------------------------------------------------
function setTool(name) {
  tool = tool === name ? null : name;
  for (const button of dock.querySelectorAll("[data-annot-tool]")) {
    button.setAttribute("aria-pressed", String(button.dataset.annotTool === tool));
  }
  viewer.dataset.annotating = tool || "";
  const mode = tool ? TOOLS[tool] : Mode.NONE;
  if (pdfViewer && pdfViewer.annotationEditorMode !== mode) pdfViewer.annotationEditorMode = { mode };
  showColor();
  pushColor();
}

const currentColor = () => colors[tool || "highlight"];

function showColor() {
  for (const swatch of dock.querySelectorAll("[data-annot-color]")) {
    swatch.setAttribute("aria-checked", String(swatch.dataset.annotColor === currentColor()));
  }
}

/** Tell PDF.js the colour: of the selected editor when there is one, else of the tool's
 * next editors. */
function pushColor({ toSelected = false } = {}) {
  if (!pdfViewer) return;
  const send = (type, value) => pdfViewer.eventBus.dispatch("switchannotationeditorparams",
    { source: dock, type, value });
  if (toSelected && uiManager?.hasSelection) {
    for (const type of Object.values(PARAMS)) send(type, currentColor());
    return;
  }
  if (uiManager?.hasSelection) return;  // a tool picked must not repaint what is selected
  if (PARAMS[tool]) send(PARAMS[tool], colors[tool]);
  if (tool === "ink") send(Param.INK_THICKNESS, INK_THICKNESS);
}

function setColor(button) {
  colors[tool || "highlight"] = button.dataset.annotColor;
  showColor();
  pushColor({ toSelected: true });
}

function showPending(count) {
  status.textContent = count ? plural("labelPending", count) : "";
  status.hidden = !count;
  if (badge) {
    badge.textContent = count ? String(count) : "";
    badge.hidden = !count;
  }
  dock.dataset.pending = String(count);
}

function openDock(open) {
  dock.hidden = !open;
  toggle.setAttribute("aria-pressed", String(open));
  if (!open && tool) setTool(tool);
  try { localStorage.setItem("ecabinet-annotate-open", open ? "1" : "0"); } catch { /* private mode */ }
}

function wireToolbar() {
  toggle.addEventListener("click", () => openDock(dock.hidden));
  dock.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button || button.disabled) return;
    if (button.dataset.annotTool) setTool(button.dataset.annotTool);
    else if (button.dataset.annotColor) setColor(button);
    else if (button.dataset.annotAction === "undo") uiManager?.undo();
    else if (button.dataset.annotAction === "redo") uiManager?.redo();
    else if (button.dataset.annotAction === "delete") {
      if (notes.editing) notes.finish("delete"); else uiManager?.delete();
    } else if (button.dataset.annotAction === "close") openDock(false);
  });
  showColor();
  const stored = (() => { try { return localStorage.getItem("ecabinet-annotate-open"); } catch { return null; } })();
  const wide = window.matchMedia("(min-width: 641px)").matches;
  openDock(stored === null ? wide : stored === "1");
}

// ---- start -----------------------------------------------------------------------------------
async function fetchList() {
  try {
    const response = await fetch(`/documents/${documentId}/annotations`, { credentials: "same-origin" });
    if (response.ok && (response.headers.get("Content-Type") || "").includes("json")) return response.json();
  } catch { /* offline: what the queue holds is shown */ }
  return null;
}

function showUnplaced(list) {
  const box = document.getElementById("annot-unplaced");
  if (!box || !list?.length) return;
  const items = box.querySelector("ul");
  items.replaceChildren(...list.map((a) => {
    const li = document.createElement("li");
    const text = [a.quote && `“${a.quote}”`, a.comment].filter(Boolean).join(" — ");
    li.textContent = `${label("labelOldPage", { page: a.old_page || a.page })}: ${text || "…"}`;
    return li;
  }));
  box.querySelector(".annot-unplaced-count").textContent = String(list.length);
  box.hidden = false;
}

/** `promise`, or `fallback` after `ms` (IndexedDB can be slow to open, or refused). */
function within(promise, ms, fallback) {
  return Promise.race([promise.catch(() => fallback),
    new Promise((resolve) => { setTimeout(() => resolve(fallback), ms); })]);
}

async function start() {
  const userKey = dock.dataset.userId || "";
  const queue = new OfflineQueue(documentId, userKey);
  sync = new Sync({
    documentId, device, queue, version: null,
    onAnswer: answered, onPending: showPending, onStale: () => { sync.version = null; },
  });
  wireToolbar();
  const [ready, list] = await Promise.all([viewerReady, fetchList()]);
  ({ pdfViewer, pdf } = ready);
  const { eventBus } = ready;
  uiManager = pdfViewer._layerProperties?.annotationEditorUIManager;
  if (!uiManager) return;
  sync.version = list?.version || null;
  if (list?.can_export) document.getElementById("annot-export").hidden = false;
  showUnplaced(list?.unplaced);
  const changesButton = dock.querySelector("[data-annot-action='changes']");
  if (list?.version > 1) {
    const redline = new Redline({ pdfViewer, pdf, eventBus, documentId, label,
      panel: document.getElementById("annot-changes") });
    changesButton.hidden = false;
    changesButton.addEventListener("click", async () => {
      changesButton.setAttribute("aria-pressed", String(await redline.toggle()));
    });
  }
  notes = new Notes({
    pdfViewer, eventBus, form: document.getElementById("annot-note-form"), label, onEdit: editNote,
  });

  // Editors of a page are drawn when its editor layer is (PDF.js makes it with the page).
  eventBus.on("annotationeditorlayerrendered", ({ pageNumber }) => {
    const list = waiting.get(pageNumber - 1);
    const layer = uiManager.getLayer(pageNumber - 1);
    if (!list?.length || !layer) return;
    waiting.delete(pageNumber - 1);
    for (const rec of list) materialise(rec, layer);
  });
  for (const a of list?.annotations || []) display(record(a.client_id, { revision: a.revision }), a);
  // What waited in this browser for the server wins over the server's older copy.
  const queued = await within(queue.list(), 5000, []);
  for (const entry of queued) {
    const rec = record(entry.clientId);
    rec.revision = Math.max(rec.revision, entry.revision);
    undisplay(rec);
    if (entry.op === "save") display(rec, entry.payload);
    else rec.deleted = true;
  }
  showPending(queued.length);

  // Every change of an editor goes through PDF.js's command stack (add, move, resize, colour,
  // text, delete, undo, redo): after each, compare and save what changed.
  for (const name of ["addCommands", "undo", "redo"]) {
    const original = uiManager[name].bind(uiManager);
    uiManager[name] = (...args) => {
      const result = original(...args);
      scheduleSweep();
      return result;
    };
  }
  eventBus.on("editingstateschanged", ({ details }) => {
    dock.querySelector("[data-annot-action='undo']").disabled = !details.hasSomethingToUndo;
    dock.querySelector("[data-annot-action='redo']").disabled = !details.hasSomethingToRedo;
    scheduleSweep();
  });
  eventBus.on("annotationeditormodechanged", () => {
    pushColor();  // the tool's colour and thickness, once PDF.js has switched to it
    scheduleSweep();
  });
  const pages = document.getElementById("viewer-pages");
  pages.addEventListener("focusout", scheduleSweep);
  pages.addEventListener("pointerup", scheduleSweep);

  // A sticky note goes where the reader taps, with the note tool.
  pages.addEventListener("click", (event) => {
    if (tool !== "note" || event.target.closest(".annot-note")) return;
    const page = event.target.closest(".page[data-page-number]");
    if (!page) return;
    const number = Number(page.dataset.pageNumber);
    const [x, y] = notes.pointAt(number, event);
    textOf(number).then((items) => {
      notes.open({ clientId: uuid(), page: number, x, y, comment: "", color: colors.note,
        quote: textIn(items, [[x, y - 40, x + 200, y]], 18) }, { isNew: true });
    });
  });
  // A finger in pen mode draws: it does not also swipe to the next page (touch.js).
  pages.parentElement.addEventListener("touchstart", (event) => {
    if ((tool === "ink" || tool === "highlight") && event.touches.length === 1) event.stopPropagation();
  }, { capture: true, passive: true });

  // The reader's other devices, live; after a lost connection, what was missed.
  const socket = connect("/live");
  socket.on("annotation", ({ device: from, annotation }) => {
    if (from !== device) apply(annotation);
  });
  // A new version carried the notes over: show it (with them), unless notes still wait to
  // be sent from here (they are sent first, then the reader reloads).
  const shownVersion = list?.version || 0;
  socket.on("annotations_reanchored", ({ document_id: id, version }) => {
    if (id === documentId && version > shownVersion && !sync.pending) window.location.reload();
  });
  let connectedBefore = socket.connected;
  socket.on("connect", async () => {
    if (connectedBefore) {
      const fresh = await fetchList();
      for (const a of fresh?.annotations || []) apply(a);
    }
    connectedBefore = true;
    sync.flush();
  });
  if (queued.length) sync.flush();
  dock.dataset.ready = "1";
}

if (dock && toggle) start();
