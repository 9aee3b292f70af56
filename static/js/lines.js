// The line editor of quotes and invoices: "Add a line" copies the last row (emptied), "×"
// removes a row (the last one is emptied instead, so there is always one to type into).
// Without this script the form still works: it comes with blank rows, and a row whose
// product is cleared is left out when saved.
document.querySelectorAll("[data-line-editor]").forEach((editor) => {
  const body = editor.querySelector("tbody");
  editor.querySelector("[data-add-line]").addEventListener("click", () => {
    const rows = body.querySelectorAll("[data-line]");
    const row = rows[rows.length - 1].cloneNode(true);
    row.querySelectorAll("input").forEach((input) => {
      input.value = input.name === "line_quantity" ? "1" : "";
    });
    body.appendChild(row);
    row.querySelector("input").focus();
  });
  body.addEventListener("click", (event) => {
    const button = event.target.closest("[data-remove-line]");
    if (!button) return;
    const row = button.closest("[data-line]");
    if (body.querySelectorAll("[data-line]").length > 1) {
      row.remove();
    } else {
      row.querySelectorAll("input").forEach((input) => { input.value = ""; });
    }
  });
});
