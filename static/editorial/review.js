// Passage comments on the article page: select words in the body, comment on them; the
// passages of open comments are highlighted. A passage is stored as its words plus a little
// text either side (the server keeps CONTEXT chars), matched on whitespace-collapsed text,
// so the highlight finds its words again after edits elsewhere in the body.
(function () {
  "use strict";
  var CONTEXT = 32;

  function collapse(text) {
    // The text with whitespace runs as one space, and for each of its characters the index
    // of the raw character it came from.
    var out = "", map = [], space = false;
    for (var i = 0; i < text.length; i++) {
      if (/\s/.test(text[i])) {
        if (!space) { out += " "; map.push(i); }
        space = true;
      } else {
        out += text[i]; map.push(i); space = false;
      }
    }
    return { text: out, map: map };
  }

  function offsetOf(body, node, offset) {
    // Characters of the body's text before a boundary point (as the server's plain text).
    var range = document.createRange();
    range.setStart(body, 0);
    range.setEnd(node, offset);
    return range.toString().length;
  }

  function textNodes(body) {
    var walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT), nodes = [], n, at = 0;
    while ((n = walker.nextNode())) { nodes.push({ node: n, start: at }); at += n.data.length; }
    return nodes;
  }

  function commonSuffix(a, b) {
    var n = 0;
    while (n < a.length && n < b.length && a[a.length - 1 - n] === b[b.length - 1 - n]) n++;
    return n;
  }

  function commonPrefix(a, b) {
    var n = 0;
    while (n < a.length && n < b.length && a[n] === b[n]) n++;
    return n;
  }

  function locate(full, quote, prefix, suffix) {
    // The raw [start, end) of the quote's best occurrence: the one whose surroundings match
    // the stored context best. null when the words are gone.
    var c = collapse(full), q = collapse(quote).text.trim();
    if (!q) return null;
    var best = null, bestScore = -1, at = c.text.indexOf(q);
    var pre = collapse(prefix).text, suf = collapse(suffix).text;
    while (at !== -1) {
      var score = commonSuffix(c.text.slice(Math.max(0, at - pre.length), at), pre) +
        commonPrefix(c.text.slice(at + q.length, at + q.length + suf.length), suf);
      if (score > bestScore) { best = at; bestScore = score; }
      at = c.text.indexOf(q, at + 1);
    }
    if (best === null) return null;
    return { start: c.map[best], end: c.map[best + q.length - 1] + 1 };
  }

  function wrap(body, start, end, id) {
    var marks = [];
    textNodes(body).forEach(function (item) {
      var node = item.node, s = Math.max(start, item.start), e = Math.min(end, item.start + node.data.length);
      if (s >= e) return;
      if (node.parentNode && node.parentNode.closest && node.parentNode.closest("figure img")) return;
      var middle = node.splitText(s - item.start);
      middle.splitText(e - s);
      var mark = document.createElement("mark");
      mark.className = "passage";
      mark.dataset.comment = id;
      middle.parentNode.replaceChild(mark, middle);
      mark.appendChild(middle);
      marks.push(mark);
    });
    return marks;
  }

  function activate(id) {
    document.querySelectorAll(".is-active").forEach(function (el) { el.classList.remove("is-active"); });
    document.querySelectorAll('mark.passage[data-comment="' + id + '"]').forEach(function (m) { m.classList.add("is-active"); });
    var comment = document.getElementById("comment-" + id);
    if (comment) comment.classList.add("is-active");
    return comment;
  }

  function highlight(body) {
    document.querySelectorAll(".comment[data-quote]").forEach(function (comment) {
      var id = comment.id.replace("comment-", "");
      var found = locate(body.textContent, comment.dataset.quote, comment.dataset.prefix || "",
                         comment.dataset.suffix || "");
      var missing = comment.querySelector(".passage-missing");
      if (!found) { if (missing) missing.hidden = false; return; }
      if (comment.dataset.resolved === "1") return;  // resolved threads keep the text plain
      wrap(body, found.start, found.end, id);
      var link = comment.querySelector("[data-passage-link]");
      if (link) link.addEventListener("click", function (event) {
        var first = body.querySelector('mark.passage[data-comment="' + id + '"]');
        if (!first) return;
        event.preventDefault();
        activate(id);
        first.scrollIntoView({ block: "center" });
      });
    });
    body.addEventListener("click", function (event) {
      var mark = event.target.closest && event.target.closest("mark.passage");
      if (!mark) return;
      var comment = activate(mark.dataset.comment);
      if (comment) comment.scrollIntoView({ block: "center" });
    });
  }

  function selectionIn(body) {
    var sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
    var range = sel.getRangeAt(0);
    if (!body.contains(range.startContainer) || !body.contains(range.endContainer)) return null;
    var full = body.textContent;
    var start = offsetOf(body, range.startContainer, range.startOffset);
    var end = offsetOf(body, range.endContainer, range.endOffset);
    var quote = full.slice(start, end);
    if (!quote.trim()) return null;
    return {
      range: range, quote: quote,
      prefix: full.slice(Math.max(0, start - CONTEXT * 2), start),
      suffix: full.slice(end, end + CONTEXT * 2),
    };
  }

  function setupSelection(body) {
    var button = document.getElementById("selection-comment");
    var form = document.getElementById("comment-form");
    if (!button || !form) return;
    var preview = document.getElementById("quote-preview");
    var previewText = document.getElementById("quote-preview-text");
    var current = null;

    function place() {
      current = selectionIn(body);
      if (!current) { button.hidden = true; return; }
      var rect = current.range.getBoundingClientRect();
      var host = button.offsetParent || button.parentNode;
      button.hidden = false;
      var hostRect = host.getBoundingClientRect();
      var left = Math.min(Math.max(0, rect.left - hostRect.left), Math.max(0, hostRect.width - button.offsetWidth));
      button.style.left = left + "px";
      button.style.top = (rect.bottom - hostRect.top + 6) + "px";
    }

    var timer = null;
    document.addEventListener("selectionchange", function () {
      clearTimeout(timer);
      timer = setTimeout(place, 120);
    });
    // Keep the selection when the button is pressed.
    button.addEventListener("mousedown", function (event) { event.preventDefault(); });
    button.addEventListener("click", function () {
      var chosen = current || selectionIn(body);
      if (!chosen) return;
      form.querySelector("[name=quote]").value = chosen.quote;
      form.querySelector("[name=quote_prefix]").value = chosen.prefix.slice(-CONTEXT);
      form.querySelector("[name=quote_suffix]").value = chosen.suffix.slice(0, CONTEXT);
      previewText.textContent = collapse(chosen.quote).text.trim();
      preview.hidden = false;
      button.hidden = true;
      var textarea = form.querySelector("textarea[name=body]");
      textarea.scrollIntoView({ block: "center" });
      textarea.focus();
    });
    document.getElementById("quote-clear").addEventListener("click", function () {
      ["quote", "quote_prefix", "quote_suffix"].forEach(function (name) {
        form.querySelector("[name=" + name + "]").value = "";
      });
      preview.hidden = true;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var body = document.getElementById("article-body");
    if (!body) return;
    highlight(body);
    if (body.hasAttribute("data-commentable")) setupSelection(body);
    var target = window.location.hash.match(/^#comment-(\d+)$/);
    if (target) activate(target[1]);
  });
})();
