// Move the focus to the error summary when a form comes back with errors (RGAA 11.10): the
// page's, or a panel's own (focusable: tabindex="-1"), e.g. a refused vote far down the page.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector("#error-summary, .error-summary[tabindex]");
  if (summary && !document.querySelector("[autofocus]")) summary.focus();
});

// Filter panels are folded on a phone (results first) and unfolded on a wide screen.
document.addEventListener("DOMContentLoaded", () => {
  if (!window.matchMedia("(min-width: 48rem)").matches) return;
  document.querySelectorAll("details.filters-panel").forEach((panel) => {
    panel.open = true;
  });
});
