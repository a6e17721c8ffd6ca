// seba staff desk: keyboard shortcuts and a live presence notice. Every desk page works
// without this script; it only saves keystrokes.
(function () {
  "use strict";
  function typing(e) {
    var t = e.target;
    return t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
  }
  function click(sel) { var el = document.querySelector(sel); if (el) { el.click(); return true; } return false; }
  function focus(sel) { var el = document.querySelector(sel); if (el) { el.focus(); return true; } return false; }
  var rows = [], current = -1;
  function mark(i) {
    rows = Array.prototype.slice.call(document.querySelectorAll("[data-row]"));
    if (!rows.length) return;
    current = Math.max(0, Math.min(rows.length - 1, i));
    rows.forEach(function (r, j) { r.classList.toggle("selected", j === current); });
    rows[current].scrollIntoView({ block: "nearest" });
  }
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) {
      if ((e.ctrlKey || e.metaKey) && e.key === "Enter" && typing(e)) {
        var form = e.target.form; if (form) { e.preventDefault(); form.requestSubmit(); }
      }
      return;
    }
    if (typing(e)) { if (e.key === "Escape") e.target.blur(); return; }
    switch (e.key) {
      case "/": if (focus("#q")) e.preventDefault(); break;
      case "j": mark(current + 1); break;
      case "k": mark(current - 1); break;
      case "Enter": if (current >= 0 && rows[current]) { var a = rows[current].querySelector("a"); if (a) a.click(); } break;
      case "r": if (focus("#reply-body")) e.preventDefault(); break;
      case "n": if (focus("#note-body")) e.preventDefault(); break;
      case "a": click("#take-case"); break;
      case "s": click("#resolve-case"); break;
      case "g": window.location.href = "/agent"; break;
      case "?": var h = document.getElementById("shortcuts"); if (h) h.open = !h.open; break;
    }
  });
  // Presence: tell the server this case is open here, and show who else has it open.
  var box = document.querySelector("[data-presence]");
  if (box && window.fetch) {
    var url = box.getAttribute("data-presence");
    var csrf = box.getAttribute("data-csrf") || "";
    var replying = false;
    var body = document.getElementById("reply-body");
    if (body) body.addEventListener("input", function () { replying = true; });
    function beat() {
      fetch(url, { method: "POST", credentials: "same-origin",
        headers: { "X-CSRF-Token": csrf, "Content-Type": "application/x-www-form-urlencoded" },
        body: "activity=" + (replying ? "replying" : "viewing") })
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (text) { box.textContent = text; box.hidden = !text; })
        .catch(function () {});
    }
    setInterval(beat, 15000);
  }
})();
