// The council picker on /apply/where-you-live/: turns the plain <select>
// (an <optgroup> per region, which is what people get without JavaScript)
// into alphagov's accessible-autocomplete, so people can type part of a
// council's name. Loaded as a module from the page's extra_body block.
//
// The enhanced input takes over the select's id, so the label, the error
// summary link and "Change" links on the check page all reach it. The select
// stays in the form (hidden) and is what gets submitted.
import "../accessible-autocomplete/accessible-autocomplete.min.js";

const { accessibleAutocomplete } = window;

function optionFor(select, text) {
  const wanted = text.trim().toLowerCase();
  return Array.from(select.options).find(
    (option) => option.value && option.textContent.trim().toLowerCase() === wanted,
  );
}

// The autocomplete replaces the input's aria-describedby with its own
// hint; keep the field's hint and error message in it as well.
function keepDescribedBy(input, ids) {
  if (!ids.length) return;
  const merge = () => {
    const current = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    const wanted = [...new Set([...ids, ...current])];
    if (wanted.join(" ") !== current.join(" ")) {
      input.setAttribute("aria-describedby", wanted.join(" "));
    }
  };
  merge();
  new MutationObserver(merge).observe(input, {
    attributes: true,
    attributeFilter: ["aria-describedby"],
  });
}

function enhance(select) {
  const id = select.id;
  const describedBy = (select.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);

  accessibleAutocomplete.enhanceSelectElement({
    selectElement: select,
    defaultValue: "",
    confirmOnBlur: true,
    // Floats over the page, so the button below does not move away as the list closes.
    displayMenu: "overlay",
    tNoResults: () => "No council found",
    onConfirm: (chosen) => {
      const option = chosen && optionFor(select, chosen);
      if (option) option.selected = true;
    },
  });

  const input = document.getElementById(id);
  if (!input) return;
  keepDescribedBy(input, describedBy);

  // Whatever is in the box when the form is sent is the answer: a name typed
  // in full is chosen, and a cleared or unknown name clears the choice, so
  // the page asks again rather than keeping an old answer.
  select.form.addEventListener("submit", () => {
    const option = optionFor(select, input.value);
    select.value = option ? option.value : "";
  });
}

if (accessibleAutocomplete) {
  document
    .querySelectorAll('[data-module="app-council-autocomplete"] select')
    .forEach(enhance);
}
