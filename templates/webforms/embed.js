{% autoescape off %}// A CRM web form, drawn where this script's tag is and posted to the CRM across origins: no
// framework, no cookie (every request omits credentials), labels and errors tied to their
// inputs for screen readers, styled by the host page's own fonts and colours.
(function (config) {
  "use strict";
  const script = document.currentScript ||
    document.querySelector('script[src*="/f/' + config.key + '/embed.js"]');
  const root = element("div", { class: "crmwf" });
  script.parentNode.insertBefore(root, script.nextSibling);
  const status = element("p", { class: "crmwf-status", role: "status", "aria-live": "polite" });
  root.appendChild(status);
  addStyle();

  function element(tag, attributes, text) {
    const node = document.createElement(tag);
    Object.entries(attributes || {}).forEach(([name, value]) => {
      if (value !== false && value !== null && value !== "") node.setAttribute(name, value);
    });
    if (text) node.textContent = text; // never innerHTML: nothing here is ours to trust
    return node;
  }

  function addStyle() {
    if (document.getElementById("crmwf-style")) return;
    const style = element("style", { id: "crmwf-style" });
    style.textContent = [
      ".crmwf{font:inherit;color:inherit;max-width:32rem}",
      ".crmwf-field{display:flex;flex-direction:column;gap:.25em;margin:0 0 .9em}",
      ".crmwf-field.crmwf-check{flex-direction:row;align-items:center}",
      ".crmwf input:not([type=checkbox]),.crmwf select{font:inherit;padding:.45em;",
      "border:1px solid #8a94a6;border-radius:4px;background:#fff;color:#1f2933}",
      ".crmwf-error{color:#b3261e;margin:0}",
      ".crmwf [aria-invalid=true]{border-color:#b3261e}",
      ".crmwf button{font:inherit;padding:.55em 1.2em;cursor:pointer}",
      ".crmwf :focus-visible{outline:3px solid #ffb300;outline-offset:1px}",
      ".crmwf-hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}",
    ].join("");
    document.head.appendChild(style);
  }

  const get = (url) => fetch(url, { credentials: "omit", cache: "no-store" }).then((answer) =>
    answer.ok ? answer.json() : Promise.reject(answer));

  function newKey() {
    return crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random();
  }

  function draw(token, solution) {
    const form = element("form", { novalidate: true, "accept-charset": "utf-8" });
    const errors = {};
    config.fields.forEach((field) => {
      const id = "crmwf-" + config.key + "-" + field.name;
      const row = element("div", { class: "crmwf-field" });
      const error = element("p", { class: "crmwf-error", id: id + "-error" });
      const mark = field.required ? " *" : "";
      let input;
      if (field.type === "select") {
        input = element("select", { id, name: field.name, required: field.required });
        input.appendChild(element("option", { value: "" }, "—"));
        field.options.forEach(([value, label]) =>
          input.appendChild(element("option", { value }, label)));
      } else {
        input = element("input", {
          id, name: field.name, type: field.type, placeholder: field.placeholder,
          required: field.required, step: field.step,
          value: field.type === "checkbox" ? "yes" : "",
        });
      }
      input.setAttribute("aria-describedby", error.id);
      if (field.type === "checkbox") {
        row.classList.add("crmwf-check");
        row.append(input, element("label", { for: id }, field.label + mark));
      } else {
        row.append(element("label", { for: id }, field.label + mark), input);
      }
      row.appendChild(error);
      errors[field.name] = { input, error };
      form.appendChild(row);
    });
    // People never see it (off screen, out of the tab order); bots that fill everything do.
    const trap = element("div", { class: "crmwf-hp", "aria-hidden": "true" });
    trap.appendChild(element("input", { name: config.names.honeypot, tabindex: "-1",
                                        autocomplete: "off" }));
    form.appendChild(trap);
    const button = element("button", { type: "submit" }, config.text.send);
    form.appendChild(button);
    root.insertBefore(form, status);
    let idempotency = newKey(); // one per fill: a double click or a retry creates nothing twice

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const data = { [config.names.token]: token, [config.names.honeypot]: trap.firstChild.value };
      config.fields.forEach((field) => {
        const { input } = errors[field.name];
        data[field.name] = input.type === "checkbox" ? (input.checked ? "yes" : "") : input.value;
      });
      button.disabled = true;
      status.textContent = config.text.sending;
      try {
        if (solution) data[config.names.pow] = await solution;
        const answer = await fetch(config.submit, {
          method: "POST", credentials: "omit", body: JSON.stringify(data),
          headers: { "Content-Type": "application/json", "Idempotency-Key": idempotency },
        });
        const body = await answer.json();
        show(answer.status, body);
      } catch (failure) {
        status.textContent = config.text.failed; // what was typed stays in the form
      } finally {
        button.disabled = false;
      }
    });

    function show(code, body) {
      Object.values(errors).forEach(({ input, error }) => {
        input.removeAttribute("aria-invalid");
        error.textContent = "";
      });
      if (code === 201) {
        if (body.redirect) {
          window.location.assign(body.redirect);
          return;
        }
        form.remove();
        status.textContent = body.message;
        idempotency = newKey();
        return;
      }
      if (code === 400 && body.errors) {
        let first = null;
        const general = [];
        Object.entries(body.errors).forEach(([name, messages]) => {
          const target = errors[name];
          if (!target) {
            general.push(...messages);
            return;
          }
          target.input.setAttribute("aria-invalid", "true");
          target.error.textContent = messages.join(" ");
          first = first || target.input;
        });
        status.textContent = [config.text.invalid, ...general].join(" ");
        if (first) first.focus();
        idempotency = newKey(); // corrected values are a new submission
        return;
      }
      status.textContent = code === 429 ? config.text.tooMany : body.detail || config.text.failed;
    }
  }

  // The token says when the form was opened; the challenge, if any, is solved meanwhile. Both
  // are refused to a site the form does not allow: then the form is not drawn.
  get(config.token).then(({ token }) => {
    let solution = null;
    if (config.challenge) {
      status.textContent = config.text.checking;
      solution = loadSolver().then(() => get(config.challenge))
        .then((challenge) => window.crmWebformPow.solve(challenge));
      solution.then(() => { status.textContent = ""; }, () => {});
    }
    draw(token, solution);
  }).catch(() => {
    status.textContent = config.text.unavailable;
  });

  function loadSolver() {
    if (window.crmWebformPow) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const solver = element("script", { src: config.solver, async: "" });
      solver.onload = resolve;
      solver.onerror = reject;
      document.head.appendChild(solver);
    });
  }
})({{ config }});
{% endautoescape %}
