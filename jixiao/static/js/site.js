// Behaviour every page shares.
// - A form that comes back with errors brings its first invalid field into view and puts the cursor in
//   it (Django marks such a widget aria-invalid="true"); with only form-wide errors, their box is shown.
// - A control marked aria-disabled="true" takes no clicks, like a disabled button.
(function () {
  var INVALID = '[aria-invalid="true"], .has-error :is(input:not([type=hidden]), select, textarea)';

  function showFirstError() {
    var field = document.querySelector(INVALID);
    var target = field || document.querySelector(".form-errors, .errornote");
    if (!target) { return; }
    target.scrollIntoView({ block: "center" });
    if (field) { field.focus({ preventScroll: true }); }
  }

  document.addEventListener("DOMContentLoaded", showFirstError);
  document.addEventListener("htmx:afterSettle", function (event) {
    var config = event.detail && event.detail.requestConfig;
    if (config && config.triggeringEvent && config.triggeringEvent.type === "submit") { showFirstError(); }
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest('[aria-disabled="true"]')) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
})();
