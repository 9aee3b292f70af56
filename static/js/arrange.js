// Drag to arrange the items of a form with data-arrange: each item ([data-arrange-item]) sits
// in one group ([data-arrange-group="<value>"] holding a [data-arrange-list]) and carries the
// form's own inputs for its place (select[data-arrange-place]) and position
// (input[data-arrange-order]). Dragging an item within or between groups sets those inputs;
// choosing a place with the keyboard moves the item to the end of that group. The form posts as
// it would without this script: the inputs are the truth, the drag only fills them in.
(function () {
  "use strict";
  let dragged = null;

  const itemOf = (node) => (node && node.closest ? node.closest("[data-arrange-item]") : null);
  const formOf = (node) => node.closest("[data-arrange]");

  function renumber(form) {
    form.querySelectorAll("[data-arrange-group]").forEach((group) => {
      const value = group.dataset.arrangeGroup;
      group.querySelectorAll("[data-arrange-item]").forEach((item, index) => {
        item.querySelector("[data-arrange-place]").value = value;
        item.querySelector("[data-arrange-order]").value = index + 1;
      });
    });
  }

  document.addEventListener("dragstart", (event) => {
    const item = itemOf(event.target);
    if (!item || !formOf(item)) return;
    dragged = item;
    item.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", item.querySelector("[data-arrange-place]").name);
  });

  document.addEventListener("dragover", (event) => {
    if (!dragged) return;
    const form = formOf(dragged);
    const group = event.target.closest && event.target.closest("[data-arrange-group]");
    if (!group || formOf(group) !== form) return;
    event.preventDefault();
    const over = itemOf(event.target);
    const list = group.querySelector("[data-arrange-list]");
    if (!over) {
      if (dragged.parentNode !== list) list.appendChild(dragged);
      return;
    }
    if (over === dragged) return;
    const box = over.getBoundingClientRect();
    const after = event.clientY > box.top + box.height / 2;
    over.parentNode.insertBefore(dragged, after ? over.nextSibling : over);
  });

  document.addEventListener("drop", (event) => {
    if (dragged) event.preventDefault();
  });

  document.addEventListener("dragend", () => {
    if (!dragged) return;
    dragged.classList.remove("dragging");
    renumber(formOf(dragged));
    dragged = null;
  });

  document.addEventListener("change", (event) => {
    const select = event.target;
    if (!select.matches || !select.matches("[data-arrange-place]")) return;
    const form = formOf(select);
    const group = form && form.querySelector(`[data-arrange-group="${CSS.escape(select.value)}"]`);
    if (!group) return;
    group.querySelector("[data-arrange-list]").appendChild(itemOf(select));
    renumber(form);
    select.focus();
  });
})();
