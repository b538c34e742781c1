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

if (document.body.dataset.live) {
  import("./live.js").then((live) => live.connect(document.body.dataset.live));
}
