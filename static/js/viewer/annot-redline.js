// The redline: what changed against the previous version of the document. The server diffs
// each page's words (GET /documents/<id>/changes); here the added passages are found again in
// PDF.js's text of the page and marked on it, and the removed ones are listed with their page.

const fold = (text) => (text || "").normalize("NFC").replace(/\s+/g, "");

/** Boxes (PDF points, origin bottom left) of `passage` in a page's text items, or []. */
export function boxesOf(items, passage) {
  const wanted = fold(passage);
  if (!wanted) return [];
  const chars = [];  // one entry per non-space character: [item index, offset in its str]
  let joined = "";
  items.forEach((item, index) => {
    const str = (item.str || "").normalize("NFC");
    for (let offset = 0; offset < str.length; offset += 1) {
      if (/\s/.test(str[offset])) continue;
      joined += str[offset];
      chars.push([index, offset]);
    }
  });
  const at = joined.indexOf(wanted);
  if (at < 0) return [];
  const spans = new Map();  // item index -> [first, last] offsets inside it
  for (const [index, offset] of chars.slice(at, at + wanted.length)) {
    const span = spans.get(index);
    if (span) span[1] = offset; else spans.set(index, [offset, offset]);
  }
  const boxes = [];
  for (const [index, [first, last]] of spans) {
    const item = items[index];
    const length = Math.max(1, item.str.length);
    const x = item.transform[4];
    const y = item.transform[5];
    const height = item.height || Math.abs(item.transform[3]) || 10;
    const width = item.width || 0;
    boxes.push([x + (width * first) / length, y - height * 0.2,
                x + (width * (last + 1)) / length, y + height * 0.95]);
  }
  return boxes;
}

export class Redline {
  constructor({ pdfViewer, pdf, eventBus, panel, label, documentId }) {
    Object.assign(this, { pdfViewer, pdf, panel, label, documentId });
    this.marks = new Map();  // page number -> [box]
    this.shown = false;
    this.loaded = null;
    const redraw = ({ pageNumber }) => this.drawPage(pageNumber);
    eventBus.on("pagerendered", redraw);
    eventBus.on("annotationeditorlayerrendered", redraw);
  }

  async load() {
    if (!this.loaded) {
      this.loaded = fetch(`/documents/${this.documentId}/changes`, { credentials: "same-origin" })
        .then((response) => (response.ok ? response.json() : null)).catch(() => null);
    }
    return this.loaded;
  }

  async toggle() {
    this.shown = !this.shown;
    if (!this.shown) {
      this.panel.hidden = true;
      for (const number of this.marks.keys()) this.clearPage(number);
      this.marks.clear();
      return false;
    }
    const changes = await this.load();
    this.list(changes);
    for (const page of changes?.pages || []) {
      if (!page.in_new || !page.added.length) continue;
      const items = await this.pdf.getPage(page.page).then((p) => p.getTextContent())
        .then((content) => content.items).catch(() => []);
      this.marks.set(page.page, page.added.flatMap((passage) => boxesOf(items, passage)));
      this.drawPage(page.page);
    }
    this.panel.dataset.marked = String([...this.marks.values()].reduce((n, b) => n + b.length, 0));
    return true;
  }

  list(changes) {
    const items = this.panel.querySelector("ul");
    const summary = this.panel.querySelector(".annot-changes-title");
    if (!changes?.available) {
      summary.textContent = this.label("labelNoChanges");
      items.replaceChildren();
    } else {
      summary.textContent = this.label("labelChangesFrom", { from: changes.from, count: changes.pages.length });
      items.replaceChildren(...changes.pages.map((page) => {
        const li = document.createElement("li");
        const go = document.createElement("button");
        go.type = "button";
        go.className = "link-button";
        go.textContent = this.label("labelPageNumber", { page: page.page });
        go.addEventListener("click", () => {
          document.getElementById("viewer").dispatchEvent(
            new CustomEvent("viewer:goto", { detail: { page: page.page } }));
        });
        li.append(go);
        for (const [kind, passages] of [["added", page.added], ["removed", page.removed]]) {
          for (const passage of passages) {
            const line = document.createElement(kind === "added" ? "ins" : "del");
            line.textContent = passage;
            li.append(line);
          }
        }
        return li;
      }));
    }
    this.panel.hidden = false;
    this.panel.open = true;
  }

  clearPage(number) {
    const view = this.pdfViewer.getPageView(number - 1);
    view?.div?.querySelector(":scope > .annot-redline")?.remove();
  }

  drawPage(number) {
    const boxes = this.shown ? this.marks.get(number) : null;
    const view = this.pdfViewer.getPageView?.(number - 1);
    if (!boxes?.length || !view?.div || !view.viewport) return;
    let layer = view.div.querySelector(":scope > .annot-redline");
    if (!layer) {
      layer = document.createElement("div");
      layer.className = "annot-redline";
      view.div.append(layer);
    }
    const { width, height } = view.viewport;
    layer.replaceChildren(...boxes.map(([x1, y1, x2, y2]) => {
      const [left, top] = view.viewport.convertToViewportPoint(x1, y2);
      const [right, bottom] = view.viewport.convertToViewportPoint(x2, y1);
      const mark = document.createElement("span");
      mark.className = "redline-added";
      mark.style.left = `${(Math.min(left, right) / width) * 100}%`;
      mark.style.top = `${(Math.min(top, bottom) / height) * 100}%`;
      mark.style.width = `${(Math.abs(right - left) / width) * 100}%`;
      mark.style.height = `${(Math.abs(bottom - top) / height) * 100}%`;
      return mark;
    }));
  }
}
