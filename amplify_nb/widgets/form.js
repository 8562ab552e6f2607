// The Authenticator's forms, rendered by anywidget in JupyterLab, Notebook 7 and Voila.
//
// Why a widget of our own: an ipywidgets Text syncs its value to the kernel in debounced updates, and its
// "submit" message on Enter can overtake them, so the kernel signed in with half a password and kept the
// whole one in widget state. Here the browser keeps what is typed; the submit message carries every value
// as the user sees it when they press Enter or click, once, and secret inputs are emptied at that moment.
// No typed value ever becomes model state, so a notebook saved with widget state cannot hold one.

function el(tag, attributes = {}, children = []) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === "text") node.textContent = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) node.append(child);
  return node;
}

// An input's type, autocomplete hint and keyboard per field kind (WHATWG autofill names).
const KINDS = {
  text: { type: "text" },
  username: { type: "text", autocapitalize: "none", spellcheck: "false" },
  email: { type: "email", autocapitalize: "none", spellcheck: "false" },
  tel: { type: "tel" },
  password: { type: "password" },
  code: { type: "text", inputmode: "numeric", autocapitalize: "none", spellcheck: "false" },
  answer: { type: "text", autocapitalize: "none", spellcheck: "false" },
};

let nextId = 0;

function render({ model, el: root }) {
  const uid = `amplify-nb-form-${++nextId}`;
  const form = el("form", { class: "amplify-nb-form", autocomplete: "on" });
  // JupyterLab runs notebook shortcuts from keystrokes it sees; typing in this form is not one.
  root.setAttribute("data-lm-suppress-shortcuts", "true");
  root.append(form);
  const inputs = new Map(); // field name -> input element
  const touched = new Set(); // fields left once: their unmet rules show from then on
  let locked = false; // a submit is with the kernel: no second one until it answers
  let submitButton = null;
  let generation = model.get("generation");

  const texts = () => model.get("texts") || {};
  const specs = () => model.get("fields") || [];
  const spec = (name) => specs().find((field) => field.name === name);

  function problems(field) {
    const input = inputs.get(field.name);
    if (!input) return [];
    const value = input.value;
    const found = [];
    if (field.policy) {
      for (const rule of model.get("rules") || []) {
        let pattern;
        try {
          pattern = new RegExp(rule.pattern, "u");
        } catch (error) {
          continue; // the kernel checks every rule again on submit
        }
        if (!pattern.test(value)) found.push(rule.message);
      }
    }
    if (field.match && inputs.get(field.match) && value !== inputs.get(field.match).value) {
      found.push(texts().match || "Your passwords must match");
    }
    return found;
  }

  function validate() {
    let valid = true;
    for (const field of specs()) {
      const unmet = problems(field);
      if (unmet.length) valid = false;
      const list = form.querySelector(`#${uid}-${field.name}-rules`);
      if (!list) continue;
      const shown = touched.has(field.name) && inputs.get(field.name).value !== "" ? unmet : [];
      list.replaceChildren(...shown.map((message) => el("li", { text: message })));
      list.style.display = shown.length ? "block" : "none";
      inputs.get(field.name).setAttribute("aria-invalid", shown.length ? "true" : "false");
    }
    if (submitButton) submitButton.disabled = locked || model.get("busy") || !valid;
    return valid;
  }

  function setDisabled() {
    const off = locked || model.get("busy");
    for (const [name, input] of inputs) {
      input.disabled = off;
    }
    for (const toggle of form.querySelectorAll(".amplify-nb-toggle")) toggle.disabled = off;
    validate();
  }

  function focusFirst(onlyEmpty) {
    // The form may render before it is in the page; focus once it is.
    let tries = 0;
    const attempt = () => {
      if (!form.isConnected) {
        if (++tries < 60) requestAnimationFrame(attempt);
        return;
      }
      const candidates = [...inputs.values()].filter((input) => !input.disabled);
      const target = (onlyEmpty && candidates.find((input) => input.value === "")) || candidates[0];
      if (target) target.focus({ preventScroll: false });
    };
    attempt();
  }

  function passwordToggle(input, label) {
    const toggle = el("button", {
      type: "button", class: "amplify-nb-toggle", "aria-pressed": "false", "aria-controls": input.id,
      "aria-label": `${texts().show || "Show password"}: ${label}`, text: texts().show_short || "Show",
    });
    toggle.addEventListener("click", () => {
      const showing = input.type === "text";
      input.type = showing ? "password" : "text";
      toggle.setAttribute("aria-pressed", showing ? "false" : "true");
      toggle.textContent = showing ? texts().show_short || "Show" : texts().hide_short || "Hide";
      toggle.setAttribute("aria-label", `${showing ? texts().show : texts().hide}: ${label}`);
    });
    return toggle;
  }

  function copyButton(field, text) {
    const button = el("button", { type: "button", class: "amplify-nb-copy", text: texts().copy || "Copy",
      "aria-label": `${texts().copy || "Copy"}: ${field.label}` });
    button.addEventListener("click", async () => {
      const value = field.copy_value || text.textContent;
      try {
        await navigator.clipboard.writeText(value);
      } catch (error) {
        window.getSelection().selectAllChildren(text); // no clipboard permission: selected, for Ctrl+C
        return;
      }
      button.textContent = texts().copied || "Copied";
      setTimeout(() => { button.textContent = texts().copy || "Copy"; }, 2000);
    });
    return button;
  }

  function build(keepTyped) {
    const kept = {};
    if (keepTyped) {
      for (const [name, input] of inputs) if (spec(name) && !spec(name).secret) kept[name] = input.value;
    }
    inputs.clear();
    const prefill = model.get("values") || {};
    const rows = [];
    for (const field of specs()) {
      const kind = KINDS[field.kind] || KINDS.text;
      const id = `${uid}-${field.name}`;
      if (field.kind === "copy") { // a text to read or copy (the TOTP key), wrapped rather than cut off
        const text = el("code", { id, class: "amplify-nb-copy-text", tabindex: 0, "aria-labelledby": `${id}-label`,
          text: field.value || "" });
        rows.push(el("div", { class: "amplify-nb-field amplify-nb-field-copy", "data-name": field.name }, [
          el("span", { id: `${id}-label`, class: "amplify-nb-label", text: field.label }),
          el("div", { class: "amplify-nb-input-row" }, [text, copyButton(field, text)])]));
        continue;
      }
      const input = el("input", {
        id, name: field.name, type: field.secret && field.kind === "password" ? "password" : kind.type,
        autocomplete: field.autocomplete || "off", placeholder: field.placeholder || "",
        required: field.required, inputmode: kind.inputmode,
        autocapitalize: kind.autocapitalize, spellcheck: kind.spellcheck,
        "aria-describedby": field.policy || field.match ? `${id}-rules` : null,
      });
      input.classList.add("amplify-nb-input");
      if (!field.secret) input.value = kept[field.name] ?? prefill[field.name] ?? "";
      inputs.set(field.name, input);
      input.addEventListener("input", validate);
      input.addEventListener("blur", () => { touched.add(field.name); validate(); });
      const row = el("div", { class: "amplify-nb-input-row" }, [input]);
      if (field.kind === "password") row.append(passwordToggle(input, field.label));
      const children = [el("label", { for: id, text: field.label }), row];
      if (field.policy || field.match) {
        children.push(el("ul", { id: `${id}-rules`, class: "amplify-nb-rules", "aria-live": "polite" }));
      }
      rows.push(el("div", { class: `amplify-nb-field amplify-nb-field-${field.kind}`, "data-name": field.name },
        children));
    }
    submitButton = el("button", { type: "submit", class: "amplify-nb-primary amplify-nb-submit",
      text: model.get("submit_label") });
    form.replaceChildren(...rows, submitButton);
    setDisabled();
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (locked || model.get("busy") || !validate()) return;
    const values = {};
    for (const [name, input] of inputs) values[name] = input.value;
    // Emptied before the message leaves: a secret lives in the page only while it is being typed.
    for (const [name, input] of inputs) if (spec(name) && spec(name).secret) input.value = "";
    locked = true;
    touched.clear();
    setDisabled();
    model.send({ event: "submit", values });
  });
  // Enter belongs to this form, not to the notebook around it.
  form.addEventListener("keydown", (event) => { if (event.key === "Enter") event.stopPropagation(); });

  function onMessage(message) {
    if (!message || typeof message !== "object") return;
    if (message.event === "done") {
      locked = false;
      setDisabled();
      if (!message.ok) focusFirst(true);
    } else if (message.event === "focus") {
      focusFirst(Boolean(message.empty));
    }
  }
  const onFields = () => build(true);
  const onGeneration = () => {
    if (model.get("generation") === generation) return;
    generation = model.get("generation");
    touched.clear();
    build(false);
    focusFirst(true);
  };
  const onTheme = () => {
    for (const [name, value] of Object.entries(model.get("theme") || {})) {
      root.style.setProperty(`--amplify-nb-${name.replaceAll("_", "-")}`, value);
    }
  };
  const onLabel = () => { if (submitButton) submitButton.textContent = model.get("submit_label"); };
  const listeners = [["msg:custom", onMessage], ["change:fields", onFields], ["change:texts", onFields],
    ["change:rules", validate], ["change:generation", onGeneration], ["change:busy", setDisabled],
    ["change:submit_label", onLabel], ["change:theme", onTheme]];
  for (const [event, listener] of listeners) model.on(event, listener);
  onTheme();
  build(false);
  if (model.get("autofocus")) focusFirst(true);
  return () => {
    for (const [event, listener] of listeners) model.off(event, listener);
  };
}

export default { render };
