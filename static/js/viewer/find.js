// Search in the document with PDF.js's find controller: every hit highlighted in the text
// layer, a "3/12" count, and Vietnamese typed without tones or in any case still found.
import { FindState, PDFFindController } from "./load-pdfjs.js";

// PDF.js ignores combining marks ("giai" finds "giải") but đ is a letter of its own, not d
// with a mark. Folding it to d on both sides keeps every offset, so the highlights still fit.
const foldD = (text) => text.replace(/[đĐ]/g, (c) => (c === "đ" ? "d" : "D"));

export class VietnameseFindController extends PDFFindController {
  match(query, pageContent, pageIndex) {
    const folded = typeof query === "string" ? foldD(query) : query.map(foldD);
    return super.match(folded, foldD(pageContent), pageIndex);
  }
}

/** Wire the search form to the find controller; `label(name, values)` reads data-label-*. */
export function wireSearch({ eventBus, form, input, result, label }) {
  let lastQuery = "";
  const find = (findPrevious) => {
    const query = input.value.trim();
    if (!query) {
      result.textContent = "";
      return;
    }
    eventBus.dispatch("find", {
      source: form, type: query === lastQuery ? "again" : "", query, findPrevious,
      caseSensitive: false, entireWord: false, highlightAll: true, matchDiacritics: false,
    });
    lastQuery = query;
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    find(false);
  });
  form.addEventListener("click", (event) => {
    const action = event.target.closest("[data-find]")?.dataset.find;
    if (action) find(action === "previous");
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && event.shiftKey) {
      event.preventDefault();
      find(true);
    }
  });
  const showCount = ({ current, total }) => {
    if (total > 0) result.textContent = label("labelMatchCount", { current, total });
    form.dataset.matches = String(total);
  };
  eventBus.on("updatefindmatchescount", ({ matchesCount }) => showCount(matchesCount));
  eventBus.on("updatefindcontrolstate", ({ state, matchesCount }) => {
    if (state === FindState.NOT_FOUND) {
      result.textContent = label("labelNoMatch");
      form.dataset.matches = "0";
    } else if (state !== FindState.PENDING && matchesCount) {
      showCount(matchesCount);
    }
  });
}
