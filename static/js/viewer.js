// The document viewer: PDF.js renders pages lazily, fetching only the byte ranges it needs,
// so the first page of a long document shows before the whole file has arrived.
// No inline scripts or styles: sizes are set through the CSSOM, labels come from data-*.
import * as pdfjsLib from "../vendor/pdfjs/pdf.min.mjs";

const root = document.getElementById("viewer");
const pagesBox = document.getElementById("viewer-pages");
const pageInput = document.getElementById("viewer-page");
const totalLabel = document.getElementById("viewer-total");
const side = document.getElementById("viewer-side");
const thumbsBox = document.getElementById("viewer-thumbs");
const outlineBox = document.getElementById("viewer-outline");
const searchResult = document.getElementById("viewer-search-result");
const label = (name, values = {}) =>
  Object.entries(values).reduce((text, [k, v]) => text.replace(`{${k}}`, v), root.dataset[name] || "");
// "labelMatchesOne" or "labelMatchesOther": the page's language decides which form a count takes.
const plurals = new Intl.PluralRules(document.documentElement.lang || "vi");
const pluralName = (name, count) => name + (plurals.select(count) === "one" ? "One" : "Other");

const MIN_SCALE = 0.25;
const MAX_SCALE = 5;
const state = { pdf: null, scale: 1, fitWidth: true, base: null, current: 1, pages: [],
  rendering: new Map(), texts: new Map(), search: { query: "", hits: [], index: -1 } };

pdfjsLib.GlobalWorkerOptions.workerSrc = root.dataset.worker;

function requestedPage() {
  const match = /(?:^#|&)page=(\d+)/.exec(window.location.hash);
  return match ? Number(match[1]) : 1;
}

function clampPage(n) {
  return Math.min(Math.max(1, Math.trunc(n) || 1), state.pdf ? state.pdf.numPages : 1);
}

function fitScale() {
  const width = pagesBox.clientWidth - 24;
  return Math.min(MAX_SCALE, Math.max(MIN_SCALE, width / state.base.width));
}

function layout() {
  // Every placeholder gets the first page's size until its own page is known.
  for (const holder of state.pages) {
    const size = holder.unscaled || state.base;
    holder.box.style.width = `${Math.floor(size.width * state.scale)}px`;
    holder.box.style.height = `${Math.floor(size.height * state.scale)}px`;
  }
}

async function renderPage(number) {
  const holder = state.pages[number - 1];
  if (holder.renderedAt === state.scale || state.rendering.has(number)) return;
  const job = (async () => {
    const page = await state.pdf.getPage(number);
    const unscaled = page.getViewport({ scale: 1 });
    holder.unscaled = { width: unscaled.width, height: unscaled.height };
    const viewport = page.getViewport({ scale: state.scale });
    const ratio = window.devicePixelRatio || 1;
    const canvas = document.createElement("canvas");
    canvas.width = Math.floor(viewport.width * ratio);
    canvas.height = Math.floor(viewport.height * ratio);
    canvas.style.width = `${Math.floor(viewport.width)}px`;
    canvas.style.height = `${Math.floor(viewport.height)}px`;
    holder.box.style.width = canvas.style.width;
    holder.box.style.height = canvas.style.height;
    const scale = state.scale;
    await page.render({ canvas, viewport,
      transform: ratio !== 1 ? [ratio, 0, 0, ratio, 0, 0] : undefined }).promise;
    if (scale !== state.scale) return;  // zoom changed meanwhile: the next pass redraws
    holder.box.replaceChildren(canvas);
    holder.renderedAt = scale;
    holder.box.dataset.rendered = "true";
  })();
  state.rendering.set(number, job);
  try {
    await job;
  } catch (error) {
    console.warn("page", number, error);
    return;
  } finally {
    state.rendering.delete(number);
  }
  // A zoom during the render left this page stale; redraw it if it is the one being read.
  if (holder.renderedAt !== state.scale && Math.abs(number - state.current) <= 1) renderPage(number);
}

const pageObserver = new IntersectionObserver((entries) => {
  for (const entry of entries) {
    if (entry.isIntersecting) renderPage(Number(entry.target.dataset.page));
  }
}, { root: pagesBox, rootMargin: "100% 0px" });

function setCurrent(number) {
  state.current = number;
  pageInput.value = number;
  root.dataset.currentPage = String(number);
  for (const thumb of thumbsBox.querySelectorAll("[aria-current]")) thumb.removeAttribute("aria-current");
  const thumb = thumbsBox.querySelector(`[data-page="${number}"]`);
  if (thumb) thumb.setAttribute("aria-current", "page");
  // Other features (following the chair, presenting) learn the page without reaching in.
  root.dispatchEvent(new CustomEvent("viewer:page", { detail: { page: number } }));
}

function goTo(number) {
  const target = clampPage(number);
  const holder = state.pages[target - 1];
  pagesBox.scrollTop = holder.box.offsetTop - pagesBox.offsetTop;
  setCurrent(target);
  renderPage(target);
}

function trackScroll() {
  const top = pagesBox.scrollTop + pagesBox.offsetTop + pagesBox.clientHeight / 3;
  let found = 1;
  for (const holder of state.pages) {
    if (holder.box.offsetTop <= top) found = holder.number; else break;
  }
  if (found !== state.current) setCurrent(found);
}

function zoomTo(scale, keepFit = false) {
  const page = state.current;
  state.scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale));
  state.fitWidth = keepFit;
  layout();
  // Pages drawn at the old scale are stale: data-rendered comes back once each is redrawn.
  for (const holder of state.pages) {
    holder.renderedAt = null;
    delete holder.box.dataset.rendered;
  }
  goTo(page);
}

function buildPages() {
  const frag = document.createDocumentFragment();
  for (let number = 1; number <= state.pdf.numPages; number += 1) {
    const box = document.createElement("div");
    box.className = "viewer-page";
    box.id = `page-${number}`;
    box.dataset.page = String(number);
    box.setAttribute("aria-label", `${number}`);
    state.pages.push({ number, box, unscaled: null, renderedAt: null });
    frag.append(box);
  }
  pagesBox.replaceChildren(frag);
  layout();
  for (const holder of state.pages) pageObserver.observe(holder.box);
}

// ---- thumbnails and outline (built only when the sidebar is opened) -------------------------
let thumbsBuilt = false;
const thumbObserver = new IntersectionObserver((entries) => {
  for (const entry of entries) {
    if (!entry.isIntersecting || entry.target.dataset.rendered) continue;
    entry.target.dataset.rendered = "true";
    const number = Number(entry.target.dataset.page);
    state.pdf.getPage(number).then((page) => {
      const viewport = page.getViewport({ scale: 120 / page.getViewport({ scale: 1 }).width });
      const canvas = document.createElement("canvas");
      canvas.width = Math.floor(viewport.width);
      canvas.height = Math.floor(viewport.height);
      entry.target.querySelector(".thumb-canvas").replaceChildren(canvas);
      return page.render({ canvas, viewport }).promise;
    }).catch((error) => console.warn("thumbnail", number, error));
  }
}, { root: thumbsBox, rootMargin: "200px" });

function buildThumbs() {
  if (thumbsBuilt) return;
  thumbsBuilt = true;
  for (let number = 1; number <= state.pdf.numPages; number += 1) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "thumb";
    button.dataset.page = String(number);
    const holder = document.createElement("span");
    holder.className = "thumb-canvas";
    const caption = document.createElement("span");
    caption.textContent = String(number);
    button.append(holder, caption);
    button.addEventListener("click", () => goTo(number));
    thumbsBox.append(button);
    thumbObserver.observe(button);
  }
  setCurrent(state.current);
}

async function destinationPage(dest) {
  const explicit = typeof dest === "string" ? await state.pdf.getDestination(dest) : dest;
  if (!Array.isArray(explicit)) return null;
  const ref = explicit[0];
  return typeof ref === "number" ? ref + 1 : (await state.pdf.getPageIndex(ref)) + 1;
}

function outlineList(items) {
  const list = document.createElement("ul");
  for (const item of items) {
    const li = document.createElement("li");
    const link = document.createElement("button");
    link.type = "button";
    link.className = "link-button";
    link.textContent = item.title;
    link.addEventListener("click", async () => {
      const page = await destinationPage(item.dest);
      if (page) goTo(page);
    });
    li.append(link);
    if (item.items && item.items.length) li.append(outlineList(item.items));
    list.append(li);
  }
  return list;
}

async function buildOutline() {
  if (outlineBox.dataset.built) return;
  outlineBox.dataset.built = "true";
  const outline = await state.pdf.getOutline();
  if (!outline || !outline.length) {
    const empty = document.createElement("p");
    empty.className = "hint";
    empty.textContent = label("labelNoOutline");
    outlineBox.replaceChildren(empty);
  } else {
    outlineBox.replaceChildren(outlineList(outline));
  }
}

function showTab(name) {
  for (const tab of root.querySelectorAll("[data-tab]")) {
    tab.setAttribute("aria-selected", String(tab.dataset.tab === name));
  }
  thumbsBox.hidden = name !== "thumbs";
  outlineBox.hidden = name !== "outline";
  if (name === "thumbs") buildThumbs(); else buildOutline();
}

// ---- search ---------------------------------------------------------------------------------
// Both sides are folded like ecabinet.core.text.fold: lower case, no tones, đ as d, so that
// "giai ngan" typed on a phone finds "giải ngân".
function fold(text) {
  return (text || "").normalize("NFC").toLocaleLowerCase("vi").replaceAll("đ", "d")
    .normalize("NFD").replace(/\p{M}/gu, "").normalize("NFC").replace(/\s+/g, " ");
}

async function pageText(number) {
  if (!state.texts.has(number)) {
    const page = await state.pdf.getPage(number);
    const content = await page.getTextContent();
    state.texts.set(number, fold(content.items.map((item) => item.str).join(" ")));
  }
  return state.texts.get(number);
}

async function search(query) {
  const wanted = fold(query).trim();
  if (!wanted) return;
  if (wanted !== state.search.query) {
    const hits = [];
    for (let number = 1; number <= state.pdf.numPages; number += 1) {
      if ((await pageText(number)).includes(wanted)) hits.push(number);
    }
    state.search = { query: wanted, hits, index: -1 };
  }
  const { hits } = state.search;
  if (!hits.length) {
    searchResult.textContent = label("labelNoMatch");
    return;
  }
  state.search.index = (state.search.index + 1) % hits.length;
  searchResult.textContent = label(pluralName("labelMatches", hits.length), { count: hits.length });
  goTo(hits[state.search.index]);
}

// ---- touch: pinch to zoom, swipe between pages ---------------------------------------------
function touchGestures() {
  let pinch = null;
  let swipe = null;
  const distance = (t) => Math.hypot(t[0].clientX - t[1].clientX, t[0].clientY - t[1].clientY);
  pagesBox.addEventListener("touchstart", (event) => {
    if (event.touches.length === 2) {
      pinch = { start: distance(event.touches), ratio: 1 };
      swipe = null;
    } else if (event.touches.length === 1) {
      const t = event.touches[0];
      swipe = { x: t.clientX, y: t.clientY, at: Date.now() };
    }
  }, { passive: true });
  pagesBox.addEventListener("touchmove", (event) => {
    if (pinch && event.touches.length === 2) {
      event.preventDefault();
      pinch.ratio = distance(event.touches) / pinch.start;
      pagesBox.style.setProperty("--pinch", String(pinch.ratio));
      pagesBox.classList.add("pinching");
    }
  }, { passive: false });
  pagesBox.addEventListener("touchend", (event) => {
    if (pinch && event.touches.length < 2) {
      pagesBox.classList.remove("pinching");
      pagesBox.style.removeProperty("--pinch");
      if (Math.abs(pinch.ratio - 1) > 0.05) zoomTo(state.scale * pinch.ratio);
      pinch = null;
      return;
    }
    if (swipe && event.changedTouches.length === 1) {
      const t = event.changedTouches[0];
      const dx = t.clientX - swipe.x;
      const dy = t.clientY - swipe.y;
      const wide = pagesBox.scrollWidth <= pagesBox.clientWidth + 2;  // not zoomed in sideways
      if (wide && Date.now() - swipe.at < 600 && Math.abs(dx) > 60 && Math.abs(dy) < 50) {
        goTo(state.current + (dx < 0 ? 1 : -1));
      }
      swipe = null;
    }
  });
}

// ---- wiring ---------------------------------------------------------------------------------
function wire() {
  root.addEventListener("click", (event) => {
    const action = event.target.closest("[data-action]")?.dataset.action;
    const tab = event.target.closest("[data-tab]")?.dataset.tab;
    if (tab) showTab(tab);
    if (!action) return;
    if (action === "prev") goTo(state.current - 1);
    else if (action === "next") goTo(state.current + 1);
    else if (action === "zoom-in") zoomTo(state.scale * 1.25);
    else if (action === "zoom-out") zoomTo(state.scale / 1.25);
    else if (action === "fit-width") zoomTo(fitScale(), true);
    else if (action === "sidebar") {
      side.hidden = !side.hidden;
      event.target.setAttribute("aria-pressed", String(!side.hidden));
      if (!side.hidden) showTab("thumbs");
    }
  });
  pageInput.addEventListener("change", () => goTo(Number(pageInput.value)));
  document.getElementById("viewer-search").addEventListener("submit", (event) => {
    event.preventDefault();
    search(document.getElementById("viewer-query").value);
  });
  pagesBox.addEventListener("scroll", () => window.requestAnimationFrame(trackScroll),
    { passive: true });
  window.addEventListener("hashchange", () => goTo(requestedPage()));
  root.addEventListener("viewer:goto", (event) => goTo(Number(event.detail.page) || 1));
  root.dataset.viewerReady = "1";
  root.dispatchEvent(new CustomEvent("viewer:ready"));
  window.addEventListener("resize", () => { if (state.fitWidth) zoomTo(fitScale(), true); });
  pagesBox.addEventListener("keydown", (event) => {
    if (event.key === "PageDown" || event.key === "ArrowRight") goTo(state.current + 1);
    else if (event.key === "PageUp" || event.key === "ArrowLeft") goTo(state.current - 1);
    else return;
    event.preventDefault();
  });
  touchGestures();
}

async function open() {
  try {
    state.pdf = await pdfjsLib.getDocument({
      url: root.dataset.url,
      withCredentials: true,
      disableAutoFetch: true,   // fetch only the ranges the shown pages need
      disableStream: true,
      rangeChunkSize: 65536,
      isEvalSupported: false,   // strict CSP: no eval / new Function
      enableXfa: false,
      useWasm: false,           // strict CSP: no WebAssembly compilation
      standardFontDataUrl: root.dataset.fonts,
      cMapUrl: root.dataset.cmaps,
      cMapPacked: true,
    }).promise;
  } catch (error) {
    console.warn("open", error);
    pagesBox.replaceChildren(Object.assign(document.createElement("p"),
      { className: "flash flash-error", textContent: label("labelError") }));
    return;
  }
  const first = clampPage(requestedPage());
  const page = await state.pdf.getPage(first);
  const unscaled = page.getViewport({ scale: 1 });
  state.base = { width: unscaled.width, height: unscaled.height };
  state.scale = fitScale();
  totalLabel.textContent = label("labelPageOf", { total: state.pdf.numPages });
  pageInput.max = String(state.pdf.numPages);
  buildPages();
  wire();
  goTo(first);
}

open();
