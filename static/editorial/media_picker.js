// The editor's "from the media library" dialog: search stored images and insert one as a
// figure, with the image's alt text and its caption (the caption box above wins if filled).
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    var open = document.getElementById("media-pick-open");
    var dialog = document.getElementById("media-picker");
    if (!open || !dialog) return;
    var messages = JSON.parse(document.getElementById("media-picker-messages").textContent);
    var grid = document.getElementById("media-picker-grid");
    var status = document.getElementById("media-picker-status");
    var query = document.getElementById("media-picker-q");
    var more = document.getElementById("media-picker-more");
    var nextPage = null;

    function card(image) {
      var li = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "media-card";
      button.dataset.id = image.id;
      var thumb = document.createElement("span");
      thumb.className = "media-thumb";
      var img = document.createElement("img");
      img.src = image.url;
      img.alt = "";
      img.loading = "lazy";
      thumb.appendChild(img);
      var name = document.createElement("span");
      name.className = "media-name";
      name.textContent = image.caption || image.name;
      button.appendChild(thumb);
      button.appendChild(name);
      button.addEventListener("click", function () { insert(image); });
      li.appendChild(button);
      return li;
    }

    function insert(image) {
      var captionBox = document.getElementById("insert-image-caption");
      var caption = (captionBox && captionBox.value.trim()) || image.caption;
      // Built as DOM nodes: alt text and caption are text, never markup.
      var figure = document.createElement("figure");
      var img = document.createElement("img");
      img.src = image.url;
      img.alt = image.alt || caption || "";
      figure.appendChild(img);
      if (caption) {
        var figcaption = document.createElement("figcaption");
        figcaption.textContent = caption;
        figure.appendChild(figcaption);
      }
      var editor = window.bulletinEditor;
      if (editor) {
        editor.chain().focus().insertContent(figure.outerHTML).run();
      } else {
        var body = document.querySelector("[name=body]");
        if (body) body.value += figure.outerHTML;
      }
      if (captionBox) captionBox.value = "";
      dialog.close();
      var uploadStatus = document.getElementById("insert-image-status");
      if (uploadStatus) uploadStatus.textContent = messages.inserted;
    }

    function load(page, replace) {
      status.textContent = messages.loading;
      var url = open.dataset.pickerUrl + "?q=" + encodeURIComponent(query.value.trim()) + "&page=" + page;
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { if (!response.ok) throw new Error(response.status); return response.json(); })
        .then(function (data) {
          if (replace) grid.textContent = "";
          data.images.forEach(function (image) { grid.appendChild(card(image)); });
          nextPage = data.next;
          more.hidden = !nextPage;
          status.textContent = grid.children.length ? "" : messages.empty;
        })
        .catch(function () { status.textContent = messages.failed; });
    }

    open.addEventListener("click", function () {
      dialog.showModal();
      load(1, true);
      query.focus();
    });
    document.getElementById("media-picker-search").addEventListener("click", function () { load(1, true); });
    query.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); load(1, true); }
    });
    more.addEventListener("click", function () { if (nextPage) load(nextPage, false); });
    document.getElementById("media-picker-close").addEventListener("click", function () { dialog.close(); });
  });
})();
