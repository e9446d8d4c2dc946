// Move the focus to the error summary when a form comes back with errors (RGAA 11.10).
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.getElementById("error-summary");
  if (summary) summary.focus();
});

// Filter panels are folded on a phone (results first) and unfolded on a wide screen.
document.addEventListener("DOMContentLoaded", () => {
  if (!window.matchMedia("(min-width: 48rem)").matches) return;
  document.querySelectorAll("details.filters-panel").forEach((panel) => {
    panel.open = true;
  });
});
