// Searchable pickers (core/pickers.py): Tom Select over a select marked data-picker. A select
// with data-picker-url holds only the chosen records; the others are fetched as she types.
(function () {
  "use strict";

  function enhance(select) {
    if (select.tomselect) {
      return;
    }
    var url = select.dataset.pickerUrl;
    // The empty choice is not an item to show: an optional picker gets a button to clear it.
    var options = {
      allowEmptyOption: false,
      closeAfterSelect: !select.multiple,
      maxOptions: 50,
      create: false,
      plugins: select.multiple ? ["remove_button"] : select.required ? [] : ["clear_button"],
      render: {
        no_results: function (data, escape) {
          return '<div class="no-results">' + escape(select.dataset.pickerEmpty || "") + "</div>";
        },
      },
    };
    if (url) {
      options.valueField = "value";
      options.labelField = "text";
      options.searchField = ["text"];
      options.shouldLoad = function (query) {
        return query.length >= 2;
      };
      options.load = function (query, callback) {
        fetch(url + "?q=" + encodeURIComponent(query), {credentials: "same-origin"})
          .then(function (response) { return response.json(); })
          .then(function (json) { callback(json.results); })
          .catch(function () { callback(); });
      };
      options.placeholder = select.dataset.pickerHint || "";
    }
    new TomSelect(select, options);
    // The picker's own combobox carries the label now; the select underneath (out of the tab
    // order) is left to the form, not to screen readers.
    select.setAttribute("aria-hidden", "true");
  }

  function enhanceAll(root) {
    root.querySelectorAll("select[data-picker]").forEach(enhance);
  }

  document.addEventListener("DOMContentLoaded", function () {
    enhanceAll(document);
    document.body.addEventListener("htmx:afterSwap", function (event) {
      enhanceAll(event.target);
    });
  });
})();
