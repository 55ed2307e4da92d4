// Ask before leaving a form with unsaved changes; saving clears the mark.
(function () {
  document.querySelectorAll("form[data-dirty-guard]").forEach(function (form) {
    var dirty = false;
    form.addEventListener("input", function () { dirty = true; form.classList.add("is-dirty"); });
    form.addEventListener("change", function () { dirty = true; form.classList.add("is-dirty"); });
    form.addEventListener("submit", function () { dirty = false; });
    window.addEventListener("beforeunload", function (event) {
      if (dirty) { event.preventDefault(); event.returnValue = ""; }
    });
  });
})();
