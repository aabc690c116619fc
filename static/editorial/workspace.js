// The workspace shell: on a phone the sidebar is a drawer opened by the menu button and
// closed by its close button, the backdrop or Escape; focus goes in and comes back.
// The rich-text editor (django-prose-editor) labels its toolbar and dialogs in English. Its
// dialogs ask window.gettext; its toolbar titles are replaced here, also when they change.
function proseLabel(text) {
  "use strict";
  const source = document.getElementById("prose-labels");
  if (!source) return text;
  if (!proseLabel.map) proseLabel.map = JSON.parse(source.textContent);
  return proseLabel.map[String(text).trim().toLowerCase()] || text;
}
if (!window.gettext) window.gettext = proseLabel;

(function () {
  "use strict";
  function relabel(root) {
    for (const el of root.querySelectorAll(".prose-menubar [title]")) {
      const label = proseLabel(el.title);
      if (label !== el.title) { el.title = label; el.setAttribute("aria-label", label); }
    }
    for (const el of root.querySelectorAll(".prose-menubar__option > *")) {
      const label = proseLabel(el.textContent);
      if (label !== el.textContent) el.textContent = label;
    }
  }
  document.addEventListener("prose-editor:ready", (event) => {
    const editorRoot = event.detail.textarea.closest(".prose-editor") || document;
    relabel(editorRoot);
    const menubar = editorRoot.querySelector(".prose-menubar") || editorRoot;
    new MutationObserver(() => relabel(editorRoot)).observe(menubar, {
      subtree: true, attributes: true, attributeFilter: ["title"], childList: true });
  });
  // The rich-text editor's editable area is a textbox: give it the name of its field's label.
  document.addEventListener("prose-editor:ready", (event) => {
    const textarea = event.detail.textarea;
    const label = textarea.id && document.querySelector(`label[for="${textarea.id}"]`);
    const dom = event.detail.editor && event.detail.editor.view && event.detail.editor.view.dom;
    if (dom && label) {
      if (!label.id) label.id = textarea.id + "-label";
      dom.setAttribute("aria-labelledby", label.id);
      dom.setAttribute("aria-multiline", "true");
    }
  });
  document.addEventListener("DOMContentLoaded", () => {
    const sidebar = document.getElementById("ws-sidebar");
    const opener = document.querySelector("[data-sidebar-open]");
    const backdrop = document.querySelector(".ws-backdrop");
    if (!sidebar || !opener) return;
    function open() {
      document.body.classList.add("ws-sidebar-open");
      opener.setAttribute("aria-expanded", "true");
      backdrop.hidden = false;
      const first = sidebar.querySelector("a, button");
      if (first) first.focus();
    }
    function close() {
      if (!document.body.classList.contains("ws-sidebar-open")) return;
      document.body.classList.remove("ws-sidebar-open");
      opener.setAttribute("aria-expanded", "false");
      backdrop.hidden = true;
      opener.focus();
    }
    opener.addEventListener("click", open);
    for (const el of document.querySelectorAll("[data-sidebar-close]")) el.addEventListener("click", close);
    document.addEventListener("keydown", (event) => { if (event.key === "Escape") close(); });
  });
})();
