// Small behaviours without inline scripts (the Content-Security-Policy forbids them).
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el.matches && el.matches("select[data-autosubmit]")) {
    el.form.submit();
  }
});
document.addEventListener("click", function (event) {
  var el = event.target.closest && event.target.closest("[data-toggle]");
  if (el) {
    var target = document.getElementById(el.getAttribute("data-toggle"));
    if (target) target.classList.toggle("open");
  }
  var printer = event.target.closest && event.target.closest("[data-print]");
  if (printer) {
    event.preventDefault();
    window.print();
  }
  var confirmer = event.target.closest && event.target.closest("[data-confirm]");
  if (confirmer && !window.confirm(confirmer.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});
