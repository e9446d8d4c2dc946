// A searchable picker over a <select multiple> (progressive enhancement).
//
// Without JavaScript the page shows the multiple select itself (Ctrl/⌘ to choose several). With
// it, the select is hidden and still submitted; the agent types in a search box and ticks
// checkboxes, which are plain form controls: usable with the keyboard and read by screen readers
// without any ARIA widget to learn. The texts come from data-label-* attributes of the template,
// so they are translated like the rest of the page.
(() => {
  "use strict";
  const MAX_SHOWN = 50;

  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, (_m, key) => String(values[key] ?? ""));
  }

  function el(tag, attrs = {}, text = "") {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
    if (text) node.textContent = text;
    return node;
  }

  function enhance(source) {
    const select = source.querySelector("select[multiple]");
    if (!select || select.dataset.enhanced) return;
    select.dataset.enhanced = "1";
    const labels = source.dataset;
    const id = select.id;
    const field = select.closest(".field") || source;
    const label = field.querySelector(`label[for="${id}"]`);
    const help = field.querySelector(`#${id}_helptext`);
    const errors = [...field.querySelectorAll(".error-text")];
    const options = [...select.options].map((option) => ({
      option,
      key: fold(option.textContent),
    }));

    const box = el("fieldset", { class: "picker" });
    if (errors.length) box.setAttribute("aria-describedby", errors.map((e) => e.id).join(" "));
    box.append(el("legend", {}, label ? label.textContent : ""));
    const filterLabel = el("label", { for: `${id}-filter`, class: "picker-filter-label" }, labels.labelFilter);
    const filter = el("input", {
      type: "search",
      id: `${id}-filter`,
      autocomplete: "off",
      "aria-describedby": `${id}-count`,
    });
    const count = el("p", { id: `${id}-count`, class: "help", role: "status" });
    const list = el("ul", { class: "picker-options", id: `${id}-options` });
    const chosenTitle = el("p", { class: "picker-chosen-title", id: `${id}-chosen-title` }, labels.labelChosen);
    const chosen = el("ul", {
      class: "picker-chosen",
      id: `${id}-chosen`,
      "aria-labelledby": `${id}-chosen-title`,
    });
    box.append(filterLabel, filter, count, list, chosenTitle, chosen);

    const boxes = new Map();
    for (const { option } of options) {
      const item = el("li");
      const checkbox = el("input", { type: "checkbox", id: `${id}-opt-${option.value}` });
      checkbox.checked = option.selected;
      checkbox.addEventListener("change", () => {
        option.selected = checkbox.checked;
        renderChosen();
      });
      item.append(checkbox, " ", el("label", { for: checkbox.id }, option.textContent));
      boxes.set(option.value, { item, checkbox });
      list.append(item);
    }

    function renderList() {
      const words = fold(filter.value).split(/\s+/).filter(Boolean);
      let shown = 0;
      let matching = 0;
      for (const { option, key } of options) {
        const match = words.every((w) => key.includes(w));
        if (match) matching += 1;
        const visible = match && shown < MAX_SHOWN;
        if (visible) shown += 1;
        boxes.get(option.value).item.hidden = !visible;
      }
      let text = format(labels.labelCount, { shown, total: options.length });
      if (matching > shown) text += " " + labels.labelMore;
      count.textContent = text;
    }

    const roles = document.querySelector(`[data-roles-for="${id}"]`);

    function renderRoles(selected) {
      if (!roles || !labels.labelRole) return;
      const typed = {};
      roles.querySelectorAll("input[name^=role_]").forEach((input) => {
        typed[input.name] = input.value;
      });
      roles.replaceChildren();
      for (const option of selected) {
        const name = `role_${option.value}`;
        const wrapper = el("div", { class: "field" });
        const actorName = option.textContent.replace(/\s*\(.*$/, "");
        wrapper.append(
          el("label", { for: `id_${name}` }, format(labels.labelRole, { name: actorName })),
          el("input", { type: "text", name, id: `id_${name}`, maxlength: "200" }),
        );
        wrapper.querySelector("input").value = typed[name] || "";
        roles.append(wrapper);
      }
    }

    function renderChosen() {
      const selected = options.map((o) => o.option).filter((o) => o.selected);
      chosen.replaceChildren();
      if (!selected.length) chosen.append(el("li", { class: "help" }, labels.labelNone));
      for (const option of selected) {
        const item = el("li");
        const remove = el("button", { type: "button", class: "link-button" }, labels.labelRemove);
        remove.append(el("span", { class: "visually-hidden" }, ` ${option.textContent}`));
        remove.addEventListener("click", () => {
          option.selected = false;
          boxes.get(option.value).checkbox.checked = false;
          renderChosen();
          filter.focus(); // the button is gone: keep the focus somewhere sensible
        });
        item.append(el("span", {}, option.textContent), " ", remove);
        chosen.append(item);
      }
      renderRoles(selected);
    }

    filter.addEventListener("input", renderList);
    // Enter in the search box must not submit the whole form.
    filter.addEventListener("keydown", (event) => {
      if (event.key === "Enter") event.preventDefault();
    });
    select.hidden = true;
    select.setAttribute("tabindex", "-1");
    if (label) label.hidden = true;
    if (help) help.hidden = true;
    select.before(box);
    renderList();
    renderChosen();
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll(".picker-source").forEach(enhance);
  });
})();
