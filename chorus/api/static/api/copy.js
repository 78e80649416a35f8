// Copy a token to the clipboard. The token field stays selectable without this file.
document.querySelectorAll("[data-copy]").forEach((button) => {
  if (!navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", async () => {
    const field = document.getElementById(button.dataset.copy);
    const status = document.querySelector(`[data-copy-status="${button.dataset.copy}"]`);
    try {
      await navigator.clipboard.writeText(field.value);
      if (status) status.textContent = button.dataset.copied;
    } catch {
      field.select();
    }
  });
});
document.querySelectorAll(".api-token-secret").forEach((field) => {
  field.addEventListener("focus", () => field.select());
});
