// Move the focus to the error summary when a form comes back with errors (RGAA 11.10).
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.getElementById("error-summary");
  if (summary) summary.focus();
});
