/*
 * Names for the parts of the back office that JavaScript itself draws, so
 * they meet the site's accessibility standard. Without JavaScript these
 * widgets are plain selects with their own labels, and this does nothing.
 *
 * - select2 (Django's autocomplete fields): the combobox it draws gets
 *   aria-labelledby pointing at the field's label.
 * - The filter_horizontal boxes (SelectFilter2.js): the search icon's
 *   aria-label is not allowed on a bare span; it becomes an image with a
 *   name, which the search box's label then includes.
 *
 * A MutationObserver catches widgets drawn later (a new inline row, a
 * select2 drawn after this script runs).
 */
(function () {
  "use strict";

  function labelFor(select) {
    if (!select.id) {
      return null;
    }
    var label = document.querySelector('label[for="' + CSS.escape(select.id) + '"]');
    if (label && !label.id) {
      label.id = select.id + "-label";
    }
    return label;
  }

  // Name ``element`` after the field: by its <label>, or, in a table row
  // (a tabular inline) where the column heading is the label, by the
  // select's own aria-label, which the server sets.
  function nameLike(element, select, label, extraIds) {
    if (label) {
      element.setAttribute("aria-labelledby", [label.id].concat(extraIds).join(" "));
    } else if (select.hasAttribute("aria-label")) {
      element.setAttribute("aria-label", select.getAttribute("aria-label"));
    }
  }

  function nameSelect2(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var container = select.nextElementSibling;
      if (!container || !container.classList.contains("select2")) {
        return;
      }
      var label = labelFor(select);
      container.querySelectorAll('.select2-selection[role="combobox"]').forEach(function (box) {
        if (box.dataset.appLabelled) {
          return;
        }
        // select2 names the combobox by the chosen value's text alone
        // (nothing when empty); the field's name comes first.
        var rendered = box.querySelector(".select2-selection__rendered");
        nameLike(box, select, label, rendered && rendered.id ? [rendered.id] : []);
        if (rendered && rendered.getAttribute("role") === "textbox") {
          nameLike(rendered, select, label, []);
        }
        box.dataset.appLabelled = "yes";
      });
      container.querySelectorAll("input.select2-search__field").forEach(function (input) {
        if (!input.hasAttribute("aria-labelledby") && !input.hasAttribute("aria-label")) {
          nameLike(input, select, label, []);
        }
      });
    });
  }

  function nameFilterIcons(root) {
    root.querySelectorAll(".search-label-icon[aria-label]").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }

  function fix(root) {
    nameSelect2(root);
    nameFilterIcons(root);
  }

  function start() {
    fix(document);
    new MutationObserver(function () {
      fix(document);
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
