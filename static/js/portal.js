/* ШНОР-портал: the little behaviour the pages need, kept out of the markup so that the Content-Security-Policy can
   forbid inline scripts and style attributes. Listeners sit on the document, so htmx-swapped fragments work too. */
(function () {
  "use strict";

  // <select data-autosubmit>: choosing a value submits its form (the year switches).
  document.addEventListener("change", function (event) {
    var select = event.target.closest("select[data-autosubmit]");
    if (select && select.form) {
      select.form.requestSubmit ? select.form.requestSubmit() : select.form.submit();
    }
  });

  // <form data-confirm="question">: the form is sent only when the user agrees.
  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });

  // [data-width="42"]: a bar 42 % wide; a CSSOM write from a script is allowed where a style attribute is not.
  function setWidth(bar) {
    var value = parseFloat(bar.dataset.width);
    if (!isNaN(value)) {
      bar.style.width = Math.min(Math.max(value, 0), 100) + "%";
    }
  }

  function applyWidths(root) {
    if (root.matches && root.matches("[data-width]")) {
      setWidth(root);
    }
    if (root.querySelectorAll) {
      Array.prototype.forEach.call(root.querySelectorAll("[data-width]"), setWidth);
    }
  }

  document.addEventListener("DOMContentLoaded", function () { applyWidths(document); });
  document.addEventListener("htmx:load", function (event) { applyWidths(event.detail.elt); });
})();
