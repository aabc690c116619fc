// Article editor page: image upload into the prose editor, autosave, who else is editing.
// Plain script, no build step. Everything the user typed survives a closed tab or an expired
// session: it is posted to the server every few seconds and kept in localStorage as well.
// Loaded as a classic script in <head>, before the editor's modules: the "ready" listener must
// exist before the editor announces itself.
(function () {
  "use strict";
  let editor = null;
  document.addEventListener("prose-editor:ready", (event) => {
    if (event.detail.textarea.name === "body") {
      editor = event.detail.editor;
      window.bulletinEditor = editor;
    }
  });
  document.addEventListener("DOMContentLoaded", () => setUp(() => editor));
})();

function setUp(currentEditor) {
  "use strict";
  const form = document.getElementById("article-form");
  if (!form) return;
  const messages = JSON.parse(document.getElementById("editor-messages").textContent);
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const FIELDS = ["title", "subtitle", "summary", "source", "tags", "credits", "body"];

  function field(name) { return form.elements.namedItem(name); }

  function snapshot() {
    const data = {};
    for (const name of FIELDS) {
      const el = field(name);
      if (el) data[name] = el.value;
    }
    return data;
  }

  function fill(data) {
    for (const name of FIELDS) {
      if (!(name in data)) continue;
      const editor = currentEditor();
      if (name === "body" && editor) {
        editor.commands.setContent(data.body || "", { emitUpdate: true });
      }
      const el = field(name);
      if (el) el.value = data[name];
    }
  }

  // --- image upload ------------------------------------------------------------------------
  const uploadBox = document.querySelector(".image-insert");
  const uploadButton = document.getElementById("insert-image-button");
  const uploadStatus = document.getElementById("insert-image-status");
  if (uploadButton) {
    uploadButton.addEventListener("click", async () => {
      const file = document.getElementById("insert-image-file").files[0];
      const caption = document.getElementById("insert-image-caption").value.trim();
      if (!file) { uploadStatus.textContent = messages.choose; return; }
      uploadStatus.textContent = messages.uploading;
      const body = new FormData();
      body.append("image", file);
      body.append("caption", caption);
      let result;
      try {
        const response = await fetch(uploadBox.dataset.uploadUrl, {
          method: "POST", body, credentials: "same-origin",
          headers: { "X-CSRFToken": csrf, "Accept": "application/json" },
        });
        result = await response.json();
      } catch (error) {
        result = { error: String(error) };
      }
      if (result.error || !result.url) {
        uploadStatus.textContent = messages.failed + (result.error || "");
        return;
      }
      // Built as DOM nodes: the caption is text, never markup.
      const figure = document.createElement("figure");
      const img = document.createElement("img");
      img.src = result.url;
      // Alt text says what the image shows for those who cannot see it; the caption stands in.
      const alt = document.getElementById("insert-image-alt");
      img.alt = (alt && alt.value.trim()) || caption;
      figure.appendChild(img);
      if (caption) {  // no empty caption for the next words to fall into
        const figcaption = document.createElement("figcaption");
        figcaption.textContent = caption;
        figure.appendChild(figcaption);
      }
      const editor = currentEditor();
      if (editor) {
        editor.chain().focus().insertContent(figure.outerHTML).run();
      } else {
        field("body").value += figure.outerHTML;
      }
      uploadStatus.textContent = "";
      document.getElementById("insert-image-file").value = "";
      document.getElementById("insert-image-caption").value = "";
      if (alt) alt.value = "";
    });
  }

  // --- autosave ----------------------------------------------------------------------------
  const status = document.getElementById("autosave-status");
  const localKey = form.dataset.localKey;
  const url = form.dataset.autosaveUrl;
  let last = JSON.stringify(snapshot());
  let submitting = false;

  function keepLocally(data) {
    try {
      localStorage.setItem(localKey, JSON.stringify({
        version: form.dataset.version, at: Date.now(), data,
      }));
    } catch (error) { /* storage full or disabled: the server copy still exists */ }
  }

  async function autosave() {
    if (submitting) return;
    const data = snapshot();
    const serialized = JSON.stringify(data);
    if (serialized === last) return;
    keepLocally(data);
    if (!url) { last = serialized; return; }
    const body = new URLSearchParams(data);
    body.append("base_version", form.dataset.version);
    try {
      const response = await fetch(url, {
        method: "POST", body, credentials: "same-origin", redirect: "manual",
        headers: { "X-CSRFToken": csrf, "Accept": "application/json" },
      });
      if (!response.ok) throw new Error(String(response.status));
      const result = await response.json();
      last = serialized;
      status.textContent = messages.saved + " " + new Date(result.saved_at).toLocaleTimeString();
      status.dataset.state = "saved";
    } catch (error) {
      status.textContent = messages.local;
      status.dataset.state = "local";
    }
  }
  setInterval(autosave, 5000);
  // The save state is always in view: changed since the last save, saved, or kept locally.
  form.addEventListener("input", () => {
    if (JSON.stringify(snapshot()) !== last) {
      status.textContent = messages.dirty;
      status.dataset.state = "dirty";
    }
  });
  window.addEventListener("beforeunload", () => keepLocally(snapshot()));
  form.addEventListener("submit", () => { submitting = true; keepLocally(snapshot()); });

  // After a successful save the server shows the new version; the local copy is then stale.
  const saved = localStorage.getItem(localKey);
  if (saved) {
    try {
      const entry = JSON.parse(saved);
      const differs = JSON.stringify(entry.data) !== last;
      if (entry.version === form.dataset.version && differs) {
        const box = document.getElementById("local-restore");
        box.hidden = false;
        box.querySelector("[data-restore-local]").addEventListener("click", () => {
          fill(entry.data);
          box.hidden = true;
        });
        box.querySelector("[data-discard-local]").addEventListener("click", () => {
          localStorage.removeItem(localKey);
          box.hidden = true;
          status.textContent = messages.discarded;
          status.dataset.state = "clean";
        });
      } else if (!differs || Number(entry.version) < Number(form.dataset.version)) {
        localStorage.removeItem(localKey);
      }
    } catch (error) { localStorage.removeItem(localKey); }
  }
  const restore = document.querySelector("[data-restore-autosave]");
  if (restore) {
    restore.addEventListener("click", () => {
      fill(JSON.parse(document.getElementById("autosave-data").textContent));
      document.getElementById("autosave-restore").hidden = true;
      status.textContent = messages.restored;
      status.dataset.state = "dirty";
    });
  }
  // Discarding deletes the server's copy (and this browser's) and keeps what the page shows:
  // the last saved version. Without script the form posts and the page reloads.
  const discard = document.querySelector("[data-discard-autosave]");
  if (discard) {
    discard.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        const response = await fetch(discard.action, {
          method: "POST", credentials: "same-origin", redirect: "manual",
          headers: { "X-CSRFToken": csrf, "Accept": "application/json" },
        });
        if (!response.ok) throw new Error(String(response.status));
        localStorage.removeItem(localKey);
        document.getElementById("autosave-restore").hidden = true;
        status.textContent = messages.discarded;
        status.dataset.state = "clean";
      } catch (error) {
        status.textContent = messages.discardFailed;
        status.dataset.state = "local";
      }
    });
  }

  // --- 字数 and reading time ----------------------------------------------------------------
  // Chinese counts characters (汉字 and full-width punctuation are one each), other scripts
  // count words; about 400 characters a minute for Chinese prose.
  const count = document.getElementById("word-count");
  const reading = document.getElementById("reading-time");
  function countWords() {
    if (!count) return;
    const editor = currentEditor();
    const text = editor ? editor.getText() : (field("body").value || "").replace(/<[^>]+>/g, " ");
    const han = (text.match(/[\u3400-\u9fff\uf900-\ufaff]/g) || []).length;
    const words = (text.replace(/[\u3400-\u9fff\uf900-\ufaff]/g, " ").match(/[A-Za-z0-9]+(?:[.'’-][A-Za-z0-9]+)*/g) || []).length;
    const total = han + words;
    count.textContent = count.dataset.template.replace("{n}", total.toLocaleString());
    reading.textContent = total ? reading.dataset.template.replace("{n}", Math.max(1, Math.ceil(total / 400))) : "";
  }
  form.addEventListener("input", countWords);
  document.addEventListener("prose-editor:ready", () => setTimeout(countWords, 0));
  setTimeout(countWords, 0);
  setInterval(countWords, 3000);

  // --- the metadata panel folds away ---------------------------------------------------------
  const toggle = document.querySelector("[data-toggle-meta]");
  const canvas = document.getElementById("canvas");
  if (toggle && canvas) {
    const key = "bulletin-meta-panel";
    function show(open) {
      canvas.classList.toggle("panel-closed", !open);
      toggle.setAttribute("aria-expanded", String(open));
    }
    try { if (localStorage.getItem(key) === "closed") show(false); } catch (error) { /* private mode */ }
    toggle.addEventListener("click", () => {
      const open = canvas.classList.contains("panel-closed");
      show(open);
      try { localStorage.setItem(key, open ? "open" : "closed"); } catch (error) { /* ignore */ }
    });
  }

  // --- who else has the article open -------------------------------------------------------
  const presence = document.getElementById("presence");
  if (presence && presence.dataset.url) {
    async function ping() {
      try {
        const response = await fetch(presence.dataset.url, {
          method: "POST", credentials: "same-origin", redirect: "manual",
          headers: { "X-CSRFToken": csrf },
        });
        if (!response.ok) return;
        presence.innerHTML = await response.text();
        const marker = presence.querySelector("[data-current-version]");
        if (marker && marker.dataset.currentVersion !== form.dataset.version) {
          const p = document.createElement("p");
          p.className = "warning";
          p.textContent = messages.stale;
          presence.appendChild(p);
        }
      } catch (error) { /* offline: try again later */ }
    }
    setInterval(ping, 20000);
  }
}
