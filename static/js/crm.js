// Small page behaviours that work without any framework: "select all" checkboxes in lists,
// saving the filter the list shows now, the folding menu of narrow screens, refusals of htmx
// requests shown in the page,
// the language switch posting on change, a confirmation before a bulk delete (of the selected items or of a whole filter), and the client pickers of the deal form (a found
// company or contact becomes a chip holding a hidden input; one chip for a single picker).
(function () {
  "use strict";
  // The top bar's language switch posts as soon as a language is chosen.
  document.addEventListener("change", (event) => {
    const select = event.target.closest("[data-submit-on-change]");
    if (select) select.form.requestSubmit();
  });

  document.addEventListener("change", (event) => {
    const all = event.target.closest("[data-select-all]");
    if (!all) return;
    all.closest("table").querySelectorAll('tbody input[name="ids"]').forEach((box) => {
      box.checked = all.checked;
    });
  });

  document.addEventListener("submit", (event) => {
    const form = event.target;
    // The filter bar updates the list (and the address) without reloading the page: the filter
    // saved is the one in the address now, not the one the page was loaded with.
    if (form.matches("[data-save-filter]")) {
      const query = new URLSearchParams(window.location.search);
      query.delete("page");
      form.elements.query.value = query.toString();
      form.elements.next.value = window.location.pathname + window.location.search;
      return;
    }
    const everything = form.elements.scope && form.elements.scope.value === "filter";
    const question = everything ? form.dataset.confirmDeleteAll : form.dataset.confirmDelete;
    if (question && form.elements.action && form.elements.action.value === "delete") {
      if (!window.confirm(question)) event.preventDefault();
    }
  });

  function chip(name, id, label) {
    const span = document.createElement("span");
    span.className = "chip";
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = id;
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "link";
    remove.dataset.unpick = "";
    remove.setAttribute("aria-label", `× ${label}`);
    remove.textContent = "×";
    span.append(label, input, remove);
    return span;
  }

  document.addEventListener("click", (event) => {
    const unpick = event.target.closest("[data-unpick]");
    if (unpick) {
      unpick.closest(".chip").remove();
      return;
    }
    const pick = event.target.closest("[data-pick-id]");
    if (!pick) return;
    const picker = pick.closest(".picker");
    const chips = picker.querySelector(".chips");
    const id = pick.dataset.pickId;
    if (!picker.dataset.multiple) chips.replaceChildren();
    if (!chips.querySelector(`input[value="${CSS.escape(id)}"]`)) {
      chips.append(chip(picker.dataset.name, id, pick.dataset.pickLabel));
    }
    picker.querySelector(".picker-results").replaceChildren();
    picker.querySelector('input[type="search"]').value = "";
  });

  // The menu button of narrow screens folds and unfolds the top bar's menu.
  const toggle = document.querySelector(".menu-toggle");
  if (toggle) {
    toggle.hidden = false;
    toggle.closest(".topbar").classList.add("foldable");
    toggle.addEventListener("click", () => {
      const open = toggle.closest(".topbar").classList.toggle("open");
      toggle.setAttribute("aria-expanded", String(open));
    });
  }

  // A refused htmx request (403, 404, 409, 500...) says why above the page's content, in the
  // words of the error page the server answered with, instead of doing nothing.
  document.addEventListener("htmx:responseError", (event) => {
    const page = new DOMParser().parseFromString(event.detail.xhr.responseText || "", "text/html");
    const reason = page.querySelector(".card p, .alert.error");
    const main = document.querySelector("main.content");
    if (!main) return;
    let alert = main.querySelector("[data-request-error]");
    if (!alert) {
      alert = document.createElement("div");
      alert.className = "alert error";
      alert.setAttribute("role", "alert");
      alert.dataset.requestError = "";
      main.prepend(alert);
    }
    alert.textContent = reason ? reason.textContent.trim() : main.dataset.requestError;
  });

  // Enter in a picker's search box searches; it does not submit the whole form.
  document.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && event.target.closest(".picker")) event.preventDefault();
  });
})();
