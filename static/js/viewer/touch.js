// Touch: pinch to zoom (the pages scale at once, PDF.js redraws when the fingers lift) and a
// quick sideways swipe to turn the page when the page fits the width.

const distance = (t) => Math.hypot(t[0].clientX - t[1].clientX, t[0].clientY - t[1].clientY);
const middle = (t) => [(t[0].clientX + t[1].clientX) / 2, (t[0].clientY + t[1].clientY) / 2];

export function wireTouch({ container, pages, pdfViewer, zoomBy }) {
  let pinch = null;
  let swipe = null;
  container.addEventListener("touchstart", (event) => {
    if (event.touches.length === 2) {
      pinch = { start: distance(event.touches), ratio: 1, origin: middle(event.touches) };
      swipe = null;
    } else if (event.touches.length === 1) {
      const t = event.touches[0];
      swipe = { x: t.clientX, y: t.clientY, at: Date.now() };
    }
  }, { passive: true });
  container.addEventListener("touchmove", (event) => {
    if (!pinch || event.touches.length !== 2) return;
    event.preventDefault();
    pinch.ratio = distance(event.touches) / pinch.start;
    pages.style.setProperty("--pinch", String(pinch.ratio));
    pages.classList.add("pinching");
  }, { passive: false });
  container.addEventListener("touchend", (event) => {
    if (pinch && event.touches.length < 2) {
      pages.classList.remove("pinching");
      pages.style.removeProperty("--pinch");
      if (Math.abs(pinch.ratio - 1) > 0.05) zoomBy(pinch.ratio, pinch.origin);
      pinch = null;
      return;
    }
    if (swipe && event.changedTouches.length === 1) {
      const t = event.changedTouches[0];
      const dx = t.clientX - swipe.x;
      const dy = t.clientY - swipe.y;
      const fits = container.scrollWidth <= container.clientWidth + 2;
      const selecting = !document.getSelection()?.isCollapsed;
      if (fits && !selecting && Date.now() - swipe.at < 600 && Math.abs(dx) > 60
          && Math.abs(dy) < 50) {
        if (dx < 0) pdfViewer.nextPage(); else pdfViewer.previousPage();
      }
      swipe = null;
    }
  });
}
