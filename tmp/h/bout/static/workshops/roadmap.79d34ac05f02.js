// The roadmap's drag and drop: the mouse's way of doing what each milestone's move form does
// (choose a horizon, press "Move"). A milestone dropped on a horizon of its axis fills in its
// form with that horizon and the place it was dropped at, and sends it; the page comes back at
// the milestone. Without JavaScript, or with the keyboard, the form is there as it is.
document.addEventListener("DOMContentLoaded", () => {
  let dragged = null;

  const clear = () => {
    document.querySelectorAll(".roadmap-column.drop-target").forEach((c) => c.classList.remove("drop-target"));
  };
  const sameAxis = (column) => dragged && dragged.closest(".roadmap-axis") === column.closest(".roadmap-axis");

  document.querySelectorAll(".milestone[draggable='true']").forEach((item) => {
    item.addEventListener("dragstart", (event) => {
      dragged = item;
      item.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", item.dataset.milestone);
    });
    item.addEventListener("dragend", () => {
      item.classList.remove("dragging");
      dragged = null;
      clear();
    });
  });

  document.querySelectorAll(".roadmap-column").forEach((column) => {
    column.addEventListener("dragover", (event) => {
      if (!sameAxis(column)) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
      column.classList.add("drop-target");
    });
    column.addEventListener("dragleave", (event) => {
      if (!column.contains(event.relatedTarget)) column.classList.remove("drop-target");
    });
    column.addEventListener("drop", (event) => {
      if (!sameAxis(column)) return;
      event.preventDefault();
      const item = dragged;
      const others = [...column.querySelectorAll("ol.milestones > .milestone")].filter((li) => li !== item);
      // Above the first milestone whose middle is below the pointer; at the end otherwise.
      let position = others.findIndex((li) => {
        const box = li.getBoundingClientRect();
        return event.clientY < box.top + box.height / 2;
      });
      if (position < 0) position = others.length;
      const form = item.querySelector("form.milestone-move");
      form.elements.horizon.value = column.dataset.horizon;
      form.elements.position.value = String(position);
      clear();
      form.requestSubmit(); // no button: a move to (horizon, position), not up or down
    });
  });

  // Back from a move, the keyboard goes on from the milestone that moved.
  const target = window.location.hash.startsWith("#milestone-") && document.getElementById(window.location.hash.slice(1));
  if (target) target.focus();
});
