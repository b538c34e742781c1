// The drafting form's small format bar: wrap the selection of a conclusion's text in <b> or <i>,
// or turn the selected lines into a numbered list. The server cleans whatever arrives.
for (const bar of document.querySelectorAll(".format-bar")) {
  const area = document.getElementById(bar.dataset.for);
  if (!area) continue;
  bar.hidden = false;
  bar.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    const { selectionStart: start, selectionEnd: end, value } = area;
    const chosen = value.slice(start, end);
    let text;
    if (button.dataset.wrap) {
      const tag = button.dataset.wrap;
      text = `<${tag}>${chosen}</${tag}>`;
    } else {
      const items = chosen.split("\n").filter((line) => line.trim());
      text = `<ol>${(items.length ? items : [""]).map((line) => `<li>${line.trim()}</li>`).join("")}</ol>`;
    }
    area.setRangeText(text, start, end, "end");
    area.focus();
  });
}
