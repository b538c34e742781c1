// Refuse an upload over the server's limit before sending it, so that nothing typed or chosen
// in the form is lost. The page gives the limit (data-max-bytes, the whole request) and the
// message that names it in MB (data-too-large); the server answers the same if this is skipped.

function chosenBytes(form) {
  let total = 0;
  for (const input of form.querySelectorAll('input[type="file"]')) {
    for (const file of input.files || []) total += file.size;
  }
  return total;
}

function showError(form, text) {
  const box = form.querySelector("[data-upload-error]");
  if (!box) return;
  box.textContent = text;
  box.hidden = !text;
}

for (const form of document.querySelectorAll("form[data-max-bytes]")) {
  const limit = Number(form.dataset.maxBytes);
  if (!limit) continue;
  const check = () => {
    const over = chosenBytes(form) > limit;
    showError(form, over ? form.dataset.tooLarge : "");
    return !over;
  };
  for (const input of form.querySelectorAll('input[type="file"]')) {
    input.addEventListener("change", check);
  }
  form.addEventListener("submit", (event) => {
    if (!check()) {
      event.preventDefault();
      form.querySelector('input[type="file"]')?.focus();
    }
  });
}
