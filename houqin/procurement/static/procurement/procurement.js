// Purchasing pages without inline scripts: the request form's lines follow their kind (supplies
// show item and store, equipment its category, room and cards), "add a line" clones the empty
// line of the formset, "remove" ticks the line's DELETE box and hides it.
(function () {
  function syncKind(line) {
    var select = line.querySelector("select[name$='-kind']");
    if (select) line.setAttribute("data-kind", select.value);
  }
  document.addEventListener("change", function (event) {
    var line = event.target.closest && event.target.closest(".p-line");
    if (line && event.target.matches("select[name$='-kind']")) syncKind(line);
  });
  document.addEventListener("click", function (event) {
    var add = event.target.closest && event.target.closest("[data-add-line]");
    if (add) {
      event.preventDefault();
      var prefix = add.getAttribute("data-add-line");
      var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
      var template = document.getElementById(prefix + "-empty");
      var target = document.getElementById(prefix + "-lines");
      if (!total || !template || !target) return;
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index)).replace(/__number__/g, String(index + 1));
      var holder = document.createElement("div");
      holder.innerHTML = html.trim();
      var line = holder.firstElementChild;
      target.appendChild(line);
      total.value = String(index + 1);
      syncKind(line);
      var first = line.querySelector("select, input");
      if (first) first.focus();
    }
    var remove = event.target.closest && event.target.closest("[data-remove-line]");
    if (remove) {
      event.preventDefault();
      var card = remove.closest(".p-line");
      var box = card && card.querySelector("input[name$='-DELETE']");
      if (box) box.checked = true;
      if (card) card.classList.add("is-removed");
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".p-line").forEach(syncKind);
  });
})();
