// Round walking: the note and photo of an item show once "fail" is chosen (no inline scripts).
(function () {
  function sync(item) {
    var fail = item.querySelector("input[type=radio][value=fail]");
    item.classList.toggle("is-pass", !(fail && fail.checked));
  }
  document.addEventListener("change", function (event) {
    var item = event.target.closest && event.target.closest(".m-item");
    if (item) sync(item);
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".m-item").forEach(sync);
  });
})();
