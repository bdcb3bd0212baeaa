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
  // Live alerts: on a page with [data-live], listen to the event stream and
  // reload the alert list (#alert-list) when an alert changes.
  const live = document.querySelector("[data-live]");
  if (!live || !window.EventSource) {
    return;
  }
  const list = document.getElementById("alert-list");
  let reloading = false;

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

  const es = new EventSource(live.dataset.live);
  es.addEventListener("open", function () {
    live.textContent = "Live: changes appear as they happen.";
    live.dataset.state = "open";
  });
  es.addEventListener("alert", function (ev) {
    let e = {};
    try {
      e = JSON.parse(ev.data);
    } catch (err) {
      return;
    }
    live.textContent = "Alert " + (e.title || e.alert_id) + " is now " + (e.status || "changed") + ".";
    reloadList();
  });
  es.addEventListener("error", function () {
    live.textContent = "Live updates paused; reconnecting…";
    live.dataset.state = "reconnecting";
  });
})();

(function () {
  // Phone menu: the navigation folds behind a "Menu" button (app.css hides
  // it below 700 px once this script runs).
  const button = document.querySelector(".menu-toggle");
  const nav = document.getElementById("main-nav");
  if (!button || !nav) {
    return;
  }
  document.documentElement.classList.add("js");
  button.hidden = false;
  button.addEventListener("click", function () {
    const open = nav.classList.toggle("open");
    button.setAttribute("aria-expanded", open ? "true" : "false");
  });
})();
