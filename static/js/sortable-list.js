// Drag-to-reorder for the items of a ".sortable" list inside a container that has
// data-sortable-url. Items move only within their own list; on drop the ids of every item in the
// container, in their new order, are posted as "ids" (plus data-sortable-extra) and the container
// is replaced by the server's answer: the saved order, or the unchanged one with the reason.
// Without a mouse, an item's up and down buttons ([data-move-by]) move it one place and save.
(function () {
  "use strict";
  let dragged = null;
  let orderBefore = "";

  const itemOf = (node) => (node && node.closest ? node.closest(".sortable > [data-id]") : null);
  const idsIn = (container) =>
    Array.from(container.querySelectorAll(".sortable > [data-id]"), (item) => item.dataset.id);

  document.addEventListener("dragstart", (event) => {
    const item = itemOf(event.target);
    if (!item) return;
    dragged = item;
    orderBefore = idsIn(item.closest("[data-sortable-url]")).join(",");
    item.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", item.dataset.id);
  });

  document.addEventListener("dragover", (event) => {
    const over = itemOf(event.target);
    if (!dragged || !over || over.parentNode !== dragged.parentNode) return;
    event.preventDefault();
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
    const container = dragged.closest("[data-sortable-url]");
    dragged.classList.remove("dragging");
    dragged = null;
    if (container && idsIn(container).join(",") !== orderBefore) saveOrder(container);
  });

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-move-by]");
    const item = itemOf(button);
    if (!item) return;
    const up = button.dataset.moveBy === "-1";
    const other = up ? item.previousElementSibling : item.nextElementSibling;
    if (!other) return;
    item.parentNode.insertBefore(item, up ? other : other.nextSibling);
    saveOrder(item.closest("[data-sortable-url]"), `[data-id="${CSS.escape(item.dataset.id)}"] [data-move-by="${button.dataset.moveBy}"]`);
  });

  // ``focusAfter``: what to focus in the server's answer (the button just used).
  async function saveOrder(container, focusAfter) {
    const body = new URLSearchParams();
    idsIn(container).forEach((id) => body.append("ids", id));
    const extra = JSON.parse(container.dataset.sortableExtra || "{}");
    Object.entries(extra).forEach(([key, value]) => body.append(key, value));
    const token = container.querySelector("input[name=csrfmiddlewaretoken]").value;
    container.setAttribute("aria-busy", "true");
    const response = await fetch(container.dataset.sortableUrl, {
      method: "POST",
      body,
      headers: { "X-CSRFToken": token, "HX-Request": "true" },
      credentials: "same-origin",
    });
    const html = await response.text();
    const holder = document.createElement("div");
    holder.innerHTML = html;
    const replacement = holder.firstElementChild;
    if (!replacement) {
      container.removeAttribute("aria-busy");
      return;
    }
    container.replaceWith(replacement);
    if (window.htmx) window.htmx.process(replacement);
    const focus = focusAfter && replacement.querySelector(focusAfter);
    if (focus) focus.focus();
  }
})();
