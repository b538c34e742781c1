// The document viewer, built on PDF.js's own viewer components: pages drawn as they come into
// view with a text layer (selection, screen readers) and a link layer, search that highlights
// its hits, and PDF.js's rendering queue, which redraws every page at a new zoom.
// Byte ranges are fetched only as pages need them, so page 1 of a long document shows first.
// No inline scripts or styles: sizes go through the CSSOM, labels come from data-*.
//
// Other features talk to it through the #viewer element ("viewer:page", "viewer:ready",
// "viewer:goto") or, from a module, through `viewerReady`, which resolves to PDF.js's objects
// (eventBus, pdfViewer, linkService, findController, pdf) for the annotation tools to build on.
import { hideChromeOnScroll, keepChrome } from "./viewer/chrome.js";
import { VietnameseFindController, wireSearch } from "./viewer/find.js";
import {
  EventBus, GenericL10n, LinkTarget, PDFLinkService, PDFViewer, pdfjsLib,
} from "./viewer/load-pdfjs.js";
import { failure, loadingTask } from "./viewer/document.js";
import { Sidebar } from "./viewer/sidebar.js";
import { wireTouch } from "./viewer/touch.js";

const root = document.getElementById("viewer");
const container = document.getElementById("viewer-pages");
const pagesDiv = document.getElementById("viewer-canvas");
const pageInput = document.getElementById("viewer-page");
const totalLabel = document.getElementById("viewer-total");
const progress = document.getElementById("viewer-progress");
const progressBar = progress.querySelector("progress");
const progressText = progress.querySelector(".viewer-progress-text");
const label = (name, values = {}) => Object.entries(values).reduce(
  (text, [k, v]) => text.replaceAll(`{${k}}`, v), root.dataset[name] || "");
const plurals = new Intl.PluralRules(document.documentElement.lang || "vi");
const plural = (name, count) => label(name + (plurals.select(count) === "one" ? "One" : "Other"),
  { count });

const ZOOM_STEP = 1.25;
const MIN_SCALE = 0.25;
const MAX_SCALE = 5;
// Only these leave the document from a link in a PDF (PDF.js already refuses javascript:).
const SAFE_PROTOCOLS = new Set(["http:", "https:", "mailto:", "tel:"]);

const eventBus = new EventBus();
const linkService = new PDFLinkService({
  eventBus, externalLinkTarget: LinkTarget.BLANK, externalLinkRel: "noopener noreferrer nofollow",
});
const findController = new VietnameseFindController({ eventBus, linkService });
// PDF.js's own words (each page's landmark "Trang 3", the editor's labels) in the page's language.
const l10n = new GenericL10n(document.documentElement.lang || "vi");
const pdfViewer = new PDFViewer({
  container, viewer: pagesDiv, eventBus, linkService, findController, l10n,
  // NONE (not DISABLE) keeps the annotation editor layer available: the annotation tools
  // switch it on with pdfViewer.annotationEditorMode = { mode }.
  annotationEditorMode: pdfjsLib.AnnotationEditorType.NONE,
  // The annotation tools' palette (templates/documents/_annotate_dock.html) as the highlight
  // colours: without any, PDF.js fails on every highlight it adds.
  annotationEditorHighlightColors: [...document.querySelectorAll("[data-annot-color]")]
    .map((swatch) => `${swatch.dataset.annotName}=${swatch.dataset.annotColor.toUpperCase()}`)
    .join(",") || undefined,
  imageResourcesPath: root.dataset.images,
});
linkService.setViewer(pdfViewer);
l10n.translate(container);  // PDFViewer leaves this to whoever passes it an l10n
const sidebar = new Sidebar({
  side: document.getElementById("viewer-side"),
  thumbsBox: document.getElementById("viewer-thumbs"),
  outlineBox: document.getElementById("viewer-outline"),
  tabs: root.querySelectorAll("[data-tab]"), linkService, label,
});

let resolveReady;
/** Resolves, once the document is open, to the PDF.js objects the viewer runs on. */
export const viewerReady = new Promise((resolve) => { resolveReady = resolve; });

function requestedPage() {
  const match = /(?:^#|&)page=(\d+)/.exec(window.location.hash);
  return match ? Number(match[1]) : 1;
}

function goTo(number) {
  if (!pdfViewer.pdfDocument) return;
  keepChrome();
  const count = pdfViewer.pagesCount;
  pdfViewer.currentPageNumber = Math.min(Math.max(1, Math.trunc(number) || 1), count);
}

const clampScale = (scale) => Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale));

function zoomTo(scale) {
  pdfViewer.currentScale = clampScale(scale);
}

/** Zoom by `factor` keeping the point under the fingers or the mouse (`origin`) in place. */
function zoomBy(factor, origin) {
  const scale = pdfViewer.currentScale;
  const target = clampScale(scale * factor);
  if (Math.abs(target - scale) > 0.005) pdfViewer.updateScale({ scaleFactor: target / scale, origin });
}

function showPage(number) {
  pageInput.value = number;
  root.dataset.currentPage = String(number);
  sidebar.follow(number);
  // Other features (following the chair, presenting) learn the page without reaching in.
  root.dispatchEvent(new CustomEvent("viewer:page", { detail: { page: number } }));
}

// ---- what PDF.js tells us ------------------------------------------------------------------
eventBus.on("pagechanging", ({ pageNumber }) => showPage(pageNumber));
eventBus.on("find", keepChrome);  // a search moves to its hit
// data-rendered on a page: drawn at the current scale, not an old canvas stretched. (Zoomed far
// in, PDF.js keeps a coarse whole-page canvas and draws the part in view sharp on a second one.)
eventBus.on("pagerendered", ({ source, cssTransform, error }) => {
  if (!cssTransform && !error) source.div.dataset.rendered = "true";
  if (!progress.hidden) progress.hidden = true;
});
eventBus.on("scalechanging", () => {
  for (const page of pagesDiv.querySelectorAll(".page[data-rendered]")) delete page.dataset.rendered;
});
eventBus.on("pagesinit", () => {
  pdfViewer.currentScaleValue = "page-width";
  goTo(requestedPage());
  const page = pdfViewer.currentPageNumber;
  if (root.dataset.currentPage !== String(page)) showPage(page);
  wireToolbar();
  root.dataset.viewerReady = "1";
  root.dispatchEvent(new CustomEvent("viewer:ready"));
  resolveReady({ eventBus, pdfViewer, linkService, findController, pdf: pdfViewer.pdfDocument });
}, { once: true });

// A link in a PDF: inside the document PDF.js moves to its destination; outside, only the
// protocols above, in a new tab without access back to this one.
container.addEventListener("click", (event) => {
  const link = event.target.closest?.(".annotationLayer a[href]");
  if (!link) return;
  const url = URL.parse(link.href);
  if (url && url.origin === window.location.origin && url.pathname === window.location.pathname) {
    return;  // an internal link ("#…"): PDF.js's own handler
  }
  if (!url || !SAFE_PROTOCOLS.has(url.protocol)) {
    event.preventDefault();
    event.stopPropagation();
  }
}, true);

// ---- our toolbar ---------------------------------------------------------------------------
function wireToolbar() {
  root.addEventListener("click", (event) => {
    const button = event.target.closest("[data-action], [data-tab]");
    if (!button) return;
    if (button.dataset.tab) {
      sidebar.showTab(button.dataset.tab);
      return;
    }
    const action = button.dataset.action;
    keepChrome();
    if (action === "prev") pdfViewer.previousPage();
    else if (action === "next") pdfViewer.nextPage();
    else if (action === "zoom-in") zoomTo(pdfViewer.currentScale * ZOOM_STEP);
    else if (action === "zoom-out") zoomTo(pdfViewer.currentScale / ZOOM_STEP);
    else if (action === "fit-width") pdfViewer.currentScaleValue = "page-width";
    else if (action === "sidebar") button.setAttribute("aria-pressed", String(sidebar.toggle()));
    else if (action === "search") toggleSearch(button);
  });
  pageInput.addEventListener("change", () => goTo(Number(pageInput.value)));
  wireSearch({
    eventBus, form: document.getElementById("viewer-search"),
    input: document.getElementById("viewer-query"),
    result: document.getElementById("viewer-search-result"), label,
  });
  container.addEventListener("keydown", (event) => {
    if (event.target.closest("input, textarea, [contenteditable]")) return;
    if (event.key === "ArrowRight") pdfViewer.nextPage();
    else if (event.key === "ArrowLeft") pdfViewer.previousPage();
    else return;
    event.preventDefault();
  });
  // Ctrl+F searches the whole document (the browser's own search sees only drawn pages);
  // Ctrl+wheel (a laptop's pinch) zooms the pages, not the site.
  document.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "f") {
      event.preventDefault();
      if (!root.classList.contains("searching")) {
        toggleSearch(root.querySelector("[data-action='search']"));
      }
      document.getElementById("viewer-query").select();
    } else if (event.key === "Escape" && root.classList.contains("searching")) {
      toggleSearch(root.querySelector("[data-action='search']"));
    }
  });
  container.addEventListener("wheel", (event) => {
    if (!event.ctrlKey) return;
    event.preventDefault();
    zoomBy(Math.exp(-event.deltaY / 200), [event.clientX, event.clientY]);
  }, { passive: false });
  window.addEventListener("hashchange", () => goTo(requestedPage()));
  // Fit width follows the box's width: a turned tablet, the sidebar opened or closed.
  let width = container.clientWidth;
  new ResizeObserver(() => {
    if (container.clientWidth === width) return;
    width = container.clientWidth;
    if (pdfViewer.currentScaleValue === "page-width") pdfViewer.currentScaleValue = "page-width";
  }).observe(container);
  root.addEventListener("viewer:goto", (event) => goTo(Number(event.detail.page) || 1));
  wireTouch({ container, pages: pagesDiv, pdfViewer, zoomBy });
  hideChromeOnScroll(container);
}

// On a phone the search box is a row of its own that opens from the toolbar.
function toggleSearch(button) {
  const open = !root.classList.contains("searching");
  root.classList.toggle("searching", open);
  button.setAttribute("aria-expanded", String(open));
  if (open) document.getElementById("viewer-query").focus(); else button.focus();
}

// ---- opening -------------------------------------------------------------------------------
function showError(error) {
  console.warn("open", error);
  progress.hidden = true;
  const message = document.createElement("p");
  message.className = "flash flash-error viewer-error";
  message.textContent = label("labelError");
  container.replaceChildren(message);
}

async function open() {
  let pdf;
  try {
    const task = await loadingTask;
    task.onProgress = ({ loaded, total }) => {
      if (total > 0) progressBar.value = Math.min(1, loaded / total);
    };
    pdf = await task.promise;
  } catch (error) {
    showError(error);
    return;
  }
  progressText.textContent = plural("labelLoadingPages", pdf.numPages);
  totalLabel.textContent = label("labelPageOf", { total: pdf.numPages });
  pageInput.max = String(pdf.numPages);
  sidebar.setDocument(pdf);
  pdfViewer.setDocument(pdf);
  linkService.setDocument(pdf);
}

failure.then(showError);
open();
