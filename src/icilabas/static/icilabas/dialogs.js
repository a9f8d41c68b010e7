// A record created in a dialog over another form (core RecordFormView.dialog_target): htmx
// loads the dialog's form; once saved, the server sends "recordCreated" and the opening
// form's picker takes the new record. Escape or "Annuler" closes the dialog; the browser
// gives the focus back to the link that opened it.
(function () {
  "use strict";

  function choose(select, value, text) {
    if (select.tomselect) {
      select.tomselect.addOption({value: value, text: text});
      select.tomselect.addItem(value);
      select.tomselect.focus();
      return;
    }
    var option = new Option(text, value, true, true);
    select.add(option);
    select.dispatchEvent(new Event("change", {bubbles: true}));
    select.focus();
  }

  document.addEventListener("DOMContentLoaded", function () {
    // Once settled, so that htmx has taken over the form before she can press Enter.
    document.body.addEventListener("htmx:afterSettle", function (event) {
      // The dialog's form itself, loaded or shown again with its errors; not a panel inside it.
      var dialog = event.target.closest("dialog");
      var isForm = event.target.parentElement === dialog || event.target.matches(".dialog-form");
      if (!dialog || !isForm) {
        return;
      }
      if (!dialog.open) {
        dialog.showModal();
      }
      var first = dialog.querySelector(".has-error input, .has-error select, .has-error textarea")
        || dialog.querySelector("input:not([type=hidden]), select, textarea");
      if (first) {
        first.focus();
      }
    });
    document.body.addEventListener("recordCreated", function (event) {
      var detail = event.detail;
      var dialog = event.target.closest ? event.target.closest("dialog") : null;
      if (dialog) {
        dialog.close();
      }
      var select = document.getElementById(detail.picker);
      if (select) {
        choose(select, String(detail.value), detail.text);
      }
    });
    document.addEventListener("click", function (event) {
      var closer = event.target.closest("[data-dialog-close]");
      if (closer) {
        closer.closest("dialog").close();
      }
    });
  });
})();
