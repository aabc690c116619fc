/* Issue planning board: drag-and-drop ordering (SortableJS) and proof progress. No build step.
   Everything here has a plain-form fallback: the ↑ ↓ buttons and page reloads. */
(function () {
  "use strict";
  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  var layoutEl = document.getElementById("layout");
  var statusEl = document.getElementById("arrange-status");
  if (layoutEl && layoutEl.dataset.editable === "1" && window.Sortable) {
    var save = function () {
      var layout = [];
      layoutEl.querySelectorAll(".section-block").forEach(function (block) {
        var ids = Array.prototype.map.call(block.querySelectorAll(".article-item"), function (li) {
          return parseInt(li.dataset.article, 10);
        });
        if (ids.length) layout.push([parseInt(block.dataset.section, 10), ids]);
      });
      statusEl.textContent = "正在保存顺序…";
      fetch(layoutEl.dataset.arrangeUrl, {
        method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRFToken": csrfToken()},
        body: JSON.stringify(layout)
      }).then(function (r) { return r.json().then(function (d) { return [r.ok, d]; }); })
        .then(function (res) {
          if (res[0]) { statusEl.textContent = ["顺序已保存。"].concat(res[1].moved || []).join(" "); }
          else { statusEl.textContent = "保存失败：" + res[1].error; window.location.reload(); }
        })
        .catch(function () { statusEl.textContent = "保存失败，请刷新页面。"; });
    };
    layoutEl.querySelectorAll("ol.sortable").forEach(function (list) {
      // forceFallback: mouse-event dragging, the same in every browser and in Playwright.
      // One group per section: changing an article's section is the explicit "移至栏目" action.
      window.Sortable.create(list, {group: "section-" + list.closest(".section-block").dataset.section, animation: 150, handle: ".article-item",
                                    forceFallback: true,
                                    filter: "button, form", preventOnFilter: false, onEnd: save});
    });
  }
  var proofEl = document.getElementById("proof-status");
  if (proofEl && (proofEl.dataset.status === "queued" || proofEl.dataset.status === "rendering")) {
    var poll = function () {
      fetch(proofEl.dataset.proofStatusUrl, {credentials: "same-origin"})
        .then(function (r) { return r.json(); })
        .then(function (d) {
          var bar = proofEl.querySelector("progress");
          if (bar) bar.value = d.progress;
          if (d.status === "ready" || d.status === "failed") { window.location.reload(); }
          else { window.setTimeout(poll, 1500); }
        })
        .catch(function () { window.setTimeout(poll, 5000); });
    };
    window.setTimeout(poll, 1000);
  }
})();
