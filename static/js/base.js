// Behaviour shared by every page; pages without JavaScript still work.
document.documentElement.classList.add("js");

for (const select of document.querySelectorAll("select[data-autosubmit]")) {
  select.addEventListener("change", () => select.form.requestSubmit());
}

// Close the menu when the user clicks elsewhere or presses Escape.
const menu = document.getElementById("main-menu");
if (menu) {
  document.addEventListener("click", (event) => {
    if (menu.open && !menu.contains(event.target)) menu.open = false;
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && menu.open) {
      menu.open = false;
      menu.querySelector("summary").focus();
    }
  });
}

// A "Print" button (data-print): the page's print stylesheet leaves out the site's chrome.
for (const button of document.querySelectorAll("[data-print]")) {
  button.addEventListener("click", () => window.print());
}

if (document.body.dataset.live) {
  import("./live.js").then((live) => live.connect(document.body.dataset.live));
}

// html[data-ready]: every script of the page has run its set-up. Module scripts all run
// before DOMContentLoaded, so from here on clicks reach their handlers (the e2e tests wait
// for this instead of a fixed time).
document.addEventListener("DOMContentLoaded", () => {
  document.documentElement.dataset.ready = "";
});
