/* Article list: "select all on this page", a count of ticked articles, and only the fields the
   chosen bulk action needs. Without it every field shows and the server checks the same. */
(function () {
  "use strict";
  var bulk = document.getElementById("bulk");
  if (!bulk) return;
  var boxes = Array.prototype.slice.call(document.querySelectorAll("input[name=articles][form=bulk]"));
  var all = document.getElementById("tick-all");
  var count = document.getElementById("bulk-count");
  var action = document.getElementById("bulk-action");
  function update() {
    var n = boxes.filter(function (b) { return b.checked; }).length;
    count.textContent = n ? "已选 " + n + " 篇" : "";
    if (all) { all.checked = n === boxes.length && n > 0; all.indeterminate = n > 0 && n < boxes.length; }
  }
  function fields() {
    bulk.querySelectorAll("[data-for]").forEach(function (el) {
      el.hidden = el.dataset.for !== action.value;
    });
  }
  boxes.forEach(function (b) { b.addEventListener("change", update); });
  if (all) all.addEventListener("change", function () {
    boxes.forEach(function (b) { b.checked = all.checked; });
    update();
  });
  action.addEventListener("change", fields);
  fields();
  update();
})();
