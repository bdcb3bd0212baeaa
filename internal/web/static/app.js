// aicoo dashboard: progressive enhancement only. Every action also works
// as a plain form post without this file.
"use strict";

(function () {
  // Phone cards: each cell of a plain table is labelled with its column's
  // name, shown before it when the table is laid out as cards (app.css).
  // Tables with their own card layout (a class) or labels are left alone.
  for (const table of document.querySelectorAll("main table:not([class])")) {
    const names = Array.from(table.querySelectorAll("thead th"), (th) => th.textContent.trim());
    for (const row of table.querySelectorAll("tbody tr")) {
      Array.from(row.children).forEach((cell, i) => {
        if (cell.tagName === "TD" && names[i] && !cell.hasAttribute("data-label")) {
          cell.setAttribute("data-label", names[i]);
        }
      });
    }
  }
})();

(function () {
  // Live updates: one event stream per page. On a page with [data-live]
  // (the alerts page) an alert change reloads the alert list
  // (#alert-list); on every page an in-app notification bumps the
  // header's unread count (#inbox-count) and shows a short notice (#toast).
  const live = document.querySelector("[data-live]");
  const badge = document.getElementById("inbox-count");
  const url = (live && live.dataset.live) || (badge && badge.dataset.stream);
  if (!url || !window.EventSource) {
    return;
  }
  const list = document.getElementById("alert-list");
  const toast = document.getElementById("toast");
  const seen = new Set();
  let reloading = false;
  let toastTimer = 0;

  async function reloadList() {
    if (reloading || !list) {
      return;
    }
    reloading = true;
    try {
      const resp = await fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } });
      if (!resp.ok) {
        return;
      }
      const doc = new DOMParser().parseFromString(await resp.text(), "text/html");
      const fresh = doc.getElementById("alert-list");
      if (fresh) {
        list.replaceChildren(...fresh.childNodes);
      }
    } finally {
      reloading = false;
    }
  }

  function bumpUnread() {
    if (!badge) {
      return;
    }
    const n = parseInt(badge.textContent, 10) || 0;
    if (!badge.textContent.endsWith("+")) {
      badge.textContent = n >= 99 ? "99+" : String(n + 1);
    }
    badge.setAttribute("aria-label", badge.textContent + " unread");
    badge.hidden = false;
  }

  function showToast(n) {
    if (!toast) {
      return;
    }
    const link = document.createElement("a");
    link.textContent = n.subject || "New notification";
    link.href = n.link || "/notifications";
    toast.replaceChildren(document.createTextNode("New: "), link);
    toast.hidden = false;
    window.clearTimeout(toastTimer);
    toastTimer = window.setTimeout(function () {
      toast.hidden = true;
    }, 8000);
  }

  const es = new EventSource(url);
  es.addEventListener("open", function () {
    if (live) {
      live.textContent = "Live: changes appear as they happen.";
      live.dataset.state = "open";
    }
  });
  es.addEventListener("alert", function (ev) {
    if (!live) {
      return;
    }
    let e = {};
    try {
      e = JSON.parse(ev.data);
    } catch (err) {
      return;
    }
    live.textContent = "Alert " + (e.title || e.alert_id) + " is now " + (e.status || "changed") + ".";
    reloadList();
  });
  es.addEventListener("notification", function (ev) {
    let n = {};
    try {
      n = JSON.parse(ev.data);
    } catch (err) {
      return;
    }
    if (seen.has(n.id)) {
      return;
    }
    seen.add(n.id);
    bumpUnread();
    showToast(n);
  });
  es.addEventListener("error", function () {
    if (live) {
      live.textContent = "Live updates paused; reconnecting…";
      live.dataset.state = "reconnecting";
    }
  });
})();
