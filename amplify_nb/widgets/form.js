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

// anywidget imports this module once per widget model, so a module-level counter would give every form the
// same ids and a <label for> would name another form's input. One counter for the whole page instead.
function newUid() {
  globalThis.__amplifyNbFormCount = (globalThis.__amplifyNbFormCount || 0) + 1;
  return `amplify-nb-form-${globalThis.__amplifyNbFormCount}`;
}

const FOCUSABLE = "input:not([disabled]):not([type=hidden]), button:not([disabled]), select:not([disabled]), " +
  "textarea:not([disabled]), a[href], [tabindex]:not([tabindex='-1'])";
const visible = (node) => node.getClientRects().length > 0;
const VISUALLY_HIDDEN = "position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; border: 0; " +
  "overflow: hidden; clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap;";

// Focus may move into the Authenticator only when it is already there, or nowhere (on the page's body,
// as when the element that had it left with the previous view): never away from a cell the user is in.
function focusIsOurs(authenticator) {
  const active = document.activeElement;
  return !active || active === document.body || (authenticator !== null && authenticator.contains(active));
}

// A view without a form (signedIn, selectMFAType, verifyContact's choice) gets the keyboard too: when the
// Authenticator swaps views and the focus went with the old one, the new view's first control takes it. A
// view with a form is left to the form, which focuses its first empty field itself. (ipywidgets puts a
// placeholder in first and the view's classes and children come over the next frames: hence the retries.)
function watchViews(authenticator) {
  if (authenticator.dataset.amplifyNbFocusWatch) return;
  authenticator.dataset.amplifyNbFocusWatch = "true";
  new MutationObserver((records) => {
    if (!records.some((record) => [...record.addedNodes].some((node) => node.nodeType === 1))) return;
    let tries = 0;
    const attempt = () => {
      if (!authenticator.isConnected || !focusIsOurs(authenticator)) return;
      if (authenticator.contains(document.activeElement)) return; // the view's form (or the user) has it
      const view = authenticator.querySelector(":scope > .amplify-nb-view");
      const target = view && tries >= 2 && !view.querySelector(".amplify-nb-form-widget") &&
        [...view.querySelectorAll(FOCUSABLE)].find(visible);
      if (target) target.focus();
      else if (++tries < 60) requestAnimationFrame(attempt);
    };
    requestAnimationFrame(attempt);
  }).observe(authenticator, { childList: true });
}

function render({ model, el: root }) {
  const uid = newUid();
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
      // The list is a live region: it stays in the page (empty, no height) so a screen reader hears what
      // is added to it, and it changes only when its messages do, so a keystroke repeats nothing.
      if (list.dataset.shown !== shown.join("\n")) {
        list.dataset.shown = shown.join("\n");
        list.replaceChildren(...shown.map((message) => el("li", { text: message })));
      }
      list.style.display = "block";
      list.style.margin = shown.length ? "" : "0";
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
      const authenticator = root.closest(".amplify-nb-authenticator");
      if (authenticator !== null) watchViews(authenticator);
      // The Authenticator's first form on screen (the cell was just run) takes the keyboard; a later view
      // only when the focus is not elsewhere (a view changed by a sign-out from another cell leaves it be).
      const first = authenticator === null || !authenticator.dataset.amplifyNbFocused;
      if (authenticator !== null) authenticator.dataset.amplifyNbFocused = "true";
      if (!first && !focusIsOurs(authenticator)) return;
      const candidates = [...inputs.values()].filter((input) => !input.disabled);
      const target = (onlyEmpty && candidates.find((input) => input.value === "")) || candidates[0];
      if (target) target.focus({ preventScroll: false });
    };
    attempt();
  }

  // A button named for what it does next ("Show password: Password", then "Hide password: ..."), as the
  // text it shows; not also aria-pressed, which with a changing name would say "Hide password, pressed".
  function passwordToggle(input, label) {
    const toggle = el("button", {
      type: "button", class: "amplify-nb-toggle", "aria-controls": input.id,
      "aria-label": `${texts().show || "Show password"}: ${label}`, text: texts().show_short || "Show",
    });
    toggle.addEventListener("click", () => {
      const showing = input.type === "text";
      input.type = showing ? "password" : "text";
      toggle.textContent = showing ? texts().show_short || "Show" : texts().hide_short || "Hide";
      toggle.setAttribute("aria-label", `${showing ? texts().show : texts().hide}: ${label}`);
    });
    return toggle;
  }

  function copyButton(field, text, status) {
    const named = (word) => { // the visible word, and the same word in the name a screen reader reads
      button.textContent = word;
      button.setAttribute("aria-label", `${word}: ${field.label}`);
    };
    const button = el("button", { type: "button", class: "amplify-nb-copy" });
    named(texts().copy || "Copy");
    button.addEventListener("click", async () => {
      const value = field.copy_value || text.textContent;
      try {
        await navigator.clipboard.writeText(value);
      } catch (error) {
        window.getSelection().selectAllChildren(text); // no clipboard permission: selected, for Ctrl+C
        return;
      }
      named(texts().copied || "Copied");
      status.textContent = texts().copied || "Copied"; // said, not only shown
      setTimeout(() => { named(texts().copy || "Copy"); status.textContent = ""; }, 2000);
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
        // A read-only text field to a screen reader, named by its label (a <code> may not be named), and
        // reachable by Tab to be read or selected.
        const text = el("div", { id, class: "amplify-nb-copy-text", role: "textbox", "aria-readonly": "true",
          "aria-multiline": "true", tabindex: 0, "aria-labelledby": `${id}-label`, text: field.value || "" });
        const status = el("span", { role: "status", style: VISUALLY_HIDDEN });
        rows.push(el("div", { class: "amplify-nb-field amplify-nb-field-copy", "data-name": field.name }, [
          el("span", { id: `${id}-label`, class: "amplify-nb-label", text: field.label }),
          el("div", { class: "amplify-nb-input-row" }, [text, copyButton(field, text, status)]), status]));
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
      const label = el("label", { for: id, text: field.label });
      // form_fields' label_hidden: out of sight, still the input's name for a screen reader (never dropped).
      if (field.label_hidden) label.setAttribute("style", VISUALLY_HIDDEN);
      const children = [label, row];
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
  // Enter belongs to this form, not to the notebook around it. While a rule is unmet the submit button is
  // disabled and the browser would ignore Enter silently: instead every rule still unmet shows (and is
  // announced) and the keyboard goes to the first field that has one.
  form.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    event.stopPropagation();
    if (event.target.tagName !== "INPUT" || locked || model.get("busy") || validate()) return;
    event.preventDefault();
    for (const field of specs()) if (inputs.has(field.name)) touched.add(field.name);
    validate();
    const first = specs().find((field) => inputs.has(field.name) && problems(field).length);
    if (first) inputs.get(first.name).focus();
  });

  function onMessage(message) {
    if (!message || typeof message !== "object") return;
    if (message.event === "done") {
      locked = false;
      setDisabled();
      if (!message.ok) focusFirst(true); // after an error, back to the field to correct
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
