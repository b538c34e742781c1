// The sidebar: page thumbnails that follow the page being read, and the document's outline.
// Both are built the first time they are shown; thumbnails are drawn as they scroll into view.

const THUMB_WIDTH = 120;

export class Sidebar {
  constructor({ side, thumbsBox, outlineBox, tabs, linkService, label }) {
    Object.assign(this, { side, thumbsBox, outlineBox, tabs, linkService, label });
    this.pdf = null;
    this.current = 1;
    this.thumbsBuilt = false;
    this.observer = new IntersectionObserver((entries) => {
      for (const entry of entries) if (entry.isIntersecting) this.drawThumb(entry.target);
    }, { root: thumbsBox, rootMargin: "200px" });
  }

  setDocument(pdf) {
    this.pdf = pdf;
  }

  get open() {
    return !this.side.hidden;
  }

  toggle() {
    this.side.hidden = !this.side.hidden;
    if (this.open) this.showTab("thumbs");
    return this.open;
  }

  showTab(name) {
    for (const tab of this.tabs) tab.setAttribute("aria-selected", String(tab.dataset.tab === name));
    this.thumbsBox.hidden = name !== "thumbs";
    this.outlineBox.hidden = name !== "outline";
    if (name === "thumbs") this.buildThumbs(); else this.buildOutline();
  }

  /** The page being read changed: mark its thumbnail and keep it in sight. */
  follow(number) {
    this.current = number;
    for (const thumb of this.thumbsBox.querySelectorAll("[aria-current]")) {
      thumb.removeAttribute("aria-current");
    }
    this.markSection(number);
    const thumb = this.thumbsBox.querySelector(`[data-page="${number}"]`);
    if (!thumb) return;
    thumb.setAttribute("aria-current", "page");
    if (this.open && !this.thumbsBox.hidden) thumb.scrollIntoView({ block: "nearest" });
  }

  buildThumbs() {
    if (this.thumbsBuilt || !this.pdf) return;
    this.thumbsBuilt = true;
    const frag = document.createDocumentFragment();
    for (let number = 1; number <= this.pdf.numPages; number += 1) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "thumb";
      button.dataset.page = String(number);
      button.setAttribute("aria-label", this.label("labelThumb", { page: number }));
      const holder = document.createElement("span");
      holder.className = "thumb-canvas";
      const caption = document.createElement("span");
      caption.textContent = String(number);
      button.append(holder, caption);
      button.addEventListener("click", () => { this.linkService.page = number; });
      frag.append(button);
    }
    this.thumbsBox.append(frag);
    for (const button of this.thumbsBox.children) this.observer.observe(button);
    this.follow(this.current);
  }

  async drawThumb(button) {
    if (button.dataset.rendered) return;
    button.dataset.rendered = "true";
    const number = Number(button.dataset.page);
    try {
      const page = await this.pdf.getPage(number);
      const viewport = page.getViewport({ scale: THUMB_WIDTH / page.getViewport({ scale: 1 }).width });
      const canvas = document.createElement("canvas");
      canvas.width = Math.floor(viewport.width);
      canvas.height = Math.floor(viewport.height);
      await page.render({ canvas, viewport }).promise;
      button.querySelector(".thumb-canvas").replaceChildren(canvas);
    } catch (error) {
      delete button.dataset.rendered;
      console.warn("thumbnail", number, error);
    }
  }

  outlineList(items) {
    const list = document.createElement("ul");
    for (const item of items) {
      const li = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "link-button";
      button.textContent = item.title;
      // Only destinations inside the document: an outline entry never opens another site.
      if (item.dest) {
        button.dest = item.dest;
        button.addEventListener("click", () => this.linkService.goToDestination(item.dest));
      } else {
        button.disabled = true;
      }
      li.append(button);
      if (item.items?.length) li.append(this.outlineList(item.items));
      list.append(li);
    }
    return list;
  }

  /** The outline entry of the section being read: the last one starting at or before `number`. */
  markSection(number) {
    let found = null;
    for (const button of this.outlineBox.querySelectorAll("button[data-page]")) {
      button.removeAttribute("aria-current");
      const page = Number(button.dataset.page);
      if (page <= number && (!found || page >= Number(found.dataset.page))) found = button;
    }
    found?.setAttribute("aria-current", "location");
  }

  async pageOf(dest) {
    const explicit = typeof dest === "string" ? await this.pdf.getDestination(dest) : dest;
    const ref = Array.isArray(explicit) ? explicit[0] : null;
    if (ref === null || ref === undefined) return null;
    return (Number.isInteger(ref) ? ref : await this.pdf.getPageIndex(ref)) + 1;
  }

  async buildOutline() {
    if (this.outlineBox.dataset.built || !this.pdf) return;
    this.outlineBox.dataset.built = "true";
    const outline = await this.pdf.getOutline();
    if (outline?.length) {
      this.outlineBox.replaceChildren(this.outlineList(outline));
      await Promise.all([...this.outlineBox.querySelectorAll("button")].map(async (button) => {
        const page = await this.pageOf(button.dest).catch(() => null);
        if (page) button.dataset.page = String(page);
      }));
      this.markSection(this.current);
    } else {
      const empty = document.createElement("p");
      empty.className = "hint";
      empty.textContent = this.label("labelNoOutline");
      this.outlineBox.replaceChildren(empty);
    }
  }
}
