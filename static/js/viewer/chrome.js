// On a phone the site's bar and the viewer's toolbar step aside while the reader scrolls down
// through the pages, and come back as soon as they scroll up (or reach the top).

const PHONE = window.matchMedia("(max-width: 640px)");
const THRESHOLD = 12;
let heldUntil = 0;

/** The viewer itself is about to move (a page number typed, the chair followed, a search
 * hit): that is not the reader scrolling, so the bars stay. */
export function keepChrome() {
  heldUntil = performance.now() + 600;
}

export function hideChromeOnScroll(container) {
  let last = container.scrollTop;
  const show = (hidden) => document.body.classList.toggle("viewer-chrome-hidden", hidden);
  container.addEventListener("scroll", () => {
    const top = container.scrollTop;
    if (performance.now() < heldUntil) {
      last = top;
      return;
    }
    if (!PHONE.matches) {
      show(false);
    } else if (top < THRESHOLD) {
      show(false);
    } else if (top > last + THRESHOLD) {
      show(true);
    } else if (top < last - THRESHOLD) {
      show(false);
    } else {
      return;  // a small move: keep the last position as the reference
    }
    last = top;
  }, { passive: true });
  PHONE.addEventListener("change", () => show(false));
  // Focus in the toolbar (a keyboard user, the search box) always brings it back.
  document.addEventListener("focusin", (event) => {
    if (event.target.closest?.(".viewer-bar, .topbar")) show(false);
  });
}
