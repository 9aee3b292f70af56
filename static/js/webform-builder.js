// The web form builder's live preview: the fields in the "on the form" group, in their order,
// drawn as a visitor will see them, redrawn on every drag, choice and keystroke. The inputs
// posted are the builder's own (arrange.js moves them); this only shows them.
(function () {
  "use strict";
  const builder = document.querySelector("[data-builder]");
  if (!builder) return;
  const preview = builder.querySelector("[data-builder-preview]");
  const onForm = builder.querySelector(".builder-on [data-arrange-list]");

  function element(tag, attributes, text) {
    const node = document.createElement(tag);
    Object.entries(attributes || {}).forEach(([name, value]) => node.setAttribute(name, value));
    if (text) node.textContent = text; // never innerHTML: labels are typed by people
    return node;
  }

  function control(field, id) {
    const { type, options } = JSON.parse(field.dataset.preview);
    const placeholder = field.querySelector("[data-builder-placeholder]").value;
    if (type === "select") {
      const select = element("select", { id });
      select.appendChild(element("option", {}, "—"));
      options.forEach((label) => select.appendChild(element("option", {}, label)));
      return select;
    }
    return element("input", { id, type, placeholder });
  }

  function draw() {
    preview.replaceChildren();
    const fields = onForm.querySelectorAll("[data-builder-field]");
    if (!fields.length) {
      preview.appendChild(element("p", { class: "muted" }, preview.dataset.empty));
      return;
    }
    fields.forEach((field, index) => {
      const id = `preview-${index}`;
      const label = field.querySelector("[data-builder-label]").value;
      const required = field.querySelector("[data-builder-required]").checked;
      const row = element("div", { class: "webform-field" });
      const input = control(field, id);
      if (input.type === "checkbox") {
        const wrap = element("label", {});
        wrap.append(input, ` ${label}${required ? " *" : ""}`);
        row.appendChild(wrap);
      } else {
        row.append(element("label", { for: id }, `${label}${required ? " *" : ""}`), input);
      }
      preview.appendChild(row);
    });
    preview.appendChild(element("button", { type: "button", disabled: "" }, preview.dataset.send));
  }

  // The scheme decides whether a deal is made: its pipeline and stage only matter then.
  function showDealOptions() {
    const scheme = builder.querySelector("[name=scheme]");
    const deal = scheme && scheme.value === "deal";
    ["pipeline", "stage"].forEach((name) => {
      const row = builder.querySelector(`[data-option="${name}"]`);
      if (row) row.hidden = !deal;
    });
  }

  builder.addEventListener("input", draw);
  builder.addEventListener("change", () => {
    showDealOptions();
    draw();
  });
  // arrange.js renumbers on dragend; draw after it has.
  document.addEventListener("dragend", () => setTimeout(draw));
  showDealOptions();
  draw();
})();
