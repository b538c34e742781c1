// Meeting page: confirm destructive steps, and reorder the agenda by drag and drop.
// Without JavaScript the up/down buttons still reorder (one request per move).

for (const form of document.querySelectorAll("form[data-confirm]")) {
  form.addEventListener("submit", (event) => {
    if (!window.confirm(form.dataset.confirm)) event.preventDefault();
  });
}

const list = document.querySelector("ol.sortable");
if (list) {
  let dragged = null;
  list.addEventListener("dragstart", (event) => {
    dragged = event.target.closest("li.agenda-item");
    dragged?.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
  });
  list.addEventListener("dragover", (event) => {
    event.preventDefault();
    const over = event.target.closest("li.agenda-item");
    if (!dragged || !over || over === dragged) return;
    const box = over.getBoundingClientRect();
    const after = event.clientY > box.top + box.height / 2;
    over.parentNode.insertBefore(dragged, after ? over.nextSibling : over);
  });
  list.addEventListener("dragend", async () => {
    dragged?.classList.remove("dragging");
    dragged = null;
    await saveOrder();
  });

  // The up/down buttons move the item in place and save, keeping the keyboard focus.
  for (const form of list.querySelectorAll("form.move-form")) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const item = form.closest("li.agenda-item");
      const up = form.dataset.direction === "up";
      const sibling = up ? item.previousElementSibling : item.nextElementSibling;
      if (!sibling) return;
      list.insertBefore(item, up ? sibling : sibling.nextElementSibling);
      form.querySelector("button").focus();
      await saveOrder();
    });
  }

  async function saveOrder() {
    const order = [...list.querySelectorAll("li.agenda-item")].map((li) => Number(li.dataset.id));
    const token = document.querySelector('meta[name="csrf-token"]').content;
    const response = await fetch(list.dataset.reorderUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify({ order }),
      credentials: "same-origin",
    });
    if (!response.ok) window.alert(list.dataset.error);
    else list.dispatchEvent(new CustomEvent("agenda-saved", { bubbles: true }));
  }
}
