// The workspace shell: on a phone the sidebar is a drawer opened by the menu button and
// closed by its close button, the backdrop or Escape; focus goes in and comes back.
(function () {
  "use strict";
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
