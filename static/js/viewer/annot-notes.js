// Sticky notes (a comment on a place): a small marker on the page, opened to read or edit in
// a form over the pages. PDF.js's editor has no free-standing note, so these are our own
// elements, kept in each page's box (PDF.js empties the box when it redraws a page, so the
// markers are put back after every drawing) and placed in % of the page, which zoom keeps.

const SIZE = 22;  // points: the marker's side on the page

export class Notes {
  constructor({ pdfViewer, eventBus, form, label, onEdit }) {
    Object.assign(this, { pdfViewer, form, label, onEdit });
    this.notes = new Map();  // client_id -> {clientId, page, x, y, comment, color}
    this.editing = null;
    this.textarea = form.querySelector("textarea");
    const redraw = ({ pageNumber }) => this.drawPage(pageNumber);
    eventBus.on("pagerendered", redraw);
    eventBus.on("annotationeditorlayerrendered", redraw);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.finish("save");
    });
    form.addEventListener("click", (event) => {
      const action = event.target.closest("[data-note-action]")?.dataset.noteAction;
      if (action) this.finish(action);
    });
    form.addEventListener("keydown", (event) => {
      if (event.key === "Escape") this.finish("close");
    });
  }

  /** A PDF point (x, y: the note's top left corner) of a click on page `number`. */
  pointAt(number, event) {
    const view = this.pdfViewer.getPageView(number - 1);
    const box = view.div.getBoundingClientRect();
    const [x, y] = view.viewport.convertToPdfPoint(event.clientX - box.left, event.clientY - box.top);
    return [x, y];
  }

  /** The fields the API stores for a note. */
  static fields(note) {
    return {
      kind: "note", page: note.page,
      rects: [[note.x, note.y - SIZE, note.x + SIZE, note.y].map((v) => Math.round(v * 100) / 100)],
      paths: [], quote: note.quote || "", color: note.color, comment: note.comment, data: null,
    };
  }

  /** A note as the server gave it (A) in the shape kept here. */
  static fromServer(a) {
    const rect = a.rects?.[0] || [36, 800 - SIZE, 36 + SIZE, 800];
    return {
      clientId: a.client_id, page: a.page, x: rect[0], y: rect[3], comment: a.comment || "",
      color: a.color || "#ffd400", quote: a.quote || "",
    };
  }

  show(note) {
    this.notes.set(note.clientId, note);
    this.drawPage(note.page);
  }

  hide(clientId) {
    const note = this.notes.get(clientId);
    this.notes.delete(clientId);
    if (note) this.drawPage(note.page);
    if (this.editing?.clientId === clientId) this.close();
  }

  has(clientId) {
    return this.notes.has(clientId);
  }

  drawPage(number) {
    const view = this.pdfViewer.getPageView?.(number - 1);
    if (!view?.div || !view.viewport) return;
    let layer = view.div.querySelector(":scope > .annot-notes");
    const mine = [...this.notes.values()].filter((n) => n.page === number);
    if (!mine.length) {
      layer?.remove();
      return;
    }
    if (!layer) {
      layer = document.createElement("div");
      layer.className = "annot-notes";
      view.div.append(layer);
    }
    const { width, height } = view.viewport;
    layer.replaceChildren(...mine.map((note) => {
      const [left, top] = view.viewport.convertToViewportPoint(note.x, note.y);
      const marker = document.createElement("button");
      marker.type = "button";
      marker.className = "annot-note";
      marker.dataset.clientId = note.clientId;
      marker.title = note.comment;
      marker.setAttribute("aria-label", this.label("labelNoteMarker", { text: note.comment }));
      marker.style.left = `${(left / width) * 100}%`;
      marker.style.top = `${(top / height) * 100}%`;
      marker.style.setProperty("--note-color", note.color);
      marker.addEventListener("click", (event) => {
        event.stopPropagation();
        this.open(note);
      });
      return marker;
    }));
  }

  /** Open the form on `note` (a new one has no comment yet). */
  open(note, { isNew = false } = {}) {
    this.editing = { ...note, isNew };
    this.form.hidden = false;
    this.form.querySelector("[data-note-action='delete']").hidden = isNew;
    this.textarea.value = note.comment || "";
    this.textarea.focus();
  }

  close() {
    this.editing = null;
    this.form.hidden = true;
  }

  finish(action) {
    const note = this.editing;
    if (!note) return;
    const text = this.textarea.value.trim();
    this.close();
    if (action === "save" && text && text !== note.comment) {
      this.onEdit(note.isNew ? "create" : "update", { ...note, comment: text }, note);
    } else if (action === "delete" && !note.isNew) {
      this.onEdit("delete", note, note);
    }
  }
}
