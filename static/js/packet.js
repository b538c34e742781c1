// The meeting packet is built by the worker: ask for it, show "Preparing…" with the pages done,
// poll its status, then offer (and start) the download. Texts come from the page (data-text-*),
// in the reader's language. Without JavaScript the link leads to a page that can be reloaded.

const POLL_MS = 1000;

function say(box, key, status) {
  const state = box.querySelector("[data-packet-state]");
  if (!state) return;
  let text = box.dataset[key] || "";
  if (key === "textPreparing" && status && status.pages_done && box.dataset.textProgress) {
    text = box.dataset.textProgress
      .replace("{done}", status.pages_done)
      .replace("{total}", status.pages_total);
  }
  state.textContent = text;
  state.hidden = false;
}

async function fetchJson(url) {
  const response = await fetch(url, {
    headers: { Accept: "application/json" },
    credentials: "same-origin",
    cache: "no-store",
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok && response.status !== 202) {
    throw new Error(body.message || String(response.status));
  }
  return body;
}

function offer(box, link, status) {
  say(box, "textReady", status);
  if (link) {
    link.href = status.download_url;
    link.removeAttribute("aria-busy");
    link.dataset.ready = "1";
  }
  window.location.assign(status.download_url);
}

async function follow(box, link, first) {
  let status = first;
  while (status.state === "queued" || status.state === "building") {
    say(box, "textPreparing", status);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    status = await fetchJson(status.status_url);
  }
  if (status.state === "ready") {
    offer(box, link, status);
  } else {
    say(box, "textFailed", status);
    if (link) link.removeAttribute("aria-busy");
  }
}

function fail(box, link, error) {
  const state = box.querySelector("[data-packet-state]");
  if (state) {
    state.textContent = error.message || box.dataset.textFailed;
    state.hidden = false;
  }
  if (link) link.removeAttribute("aria-busy");
}

// The meeting page: the packet link asks for the packet instead of leaving the page.
for (const link of document.querySelectorAll("a[data-packet]")) {
  const box = link.closest("[data-packet-box]") || link.parentElement;
  link.addEventListener("click", (event) => {
    if (link.dataset.ready === "1") return; // a ready packet downloads as a plain link
    event.preventDefault();
    if (link.getAttribute("aria-busy") === "true") return; // one request at a time
    link.setAttribute("aria-busy", "true");
    fetchJson(link.href)
      .then((status) => follow(box, link, status))
      .catch((error) => fail(box, link, error));
  });
}

// The waiting page (the link followed without JavaScript first, or opened directly).
for (const box of document.querySelectorAll("[data-packet-wait]")) {
  fetchJson(box.dataset.statusUrl)
    .then((status) => (status.state === "none" ? null : follow(box, null, status)))
    .catch((error) => fail(box, null, error));
}
