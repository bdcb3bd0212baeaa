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

(function () {
  // Search box in the header: results from /api/v1/search as you type,
  // arrow keys to move, Enter to open the chosen result (or, with none
  // chosen, the /search page, which the form also reaches without this
  // file), Escape to close, Ctrl+K (Cmd+K) from anywhere to focus it.
  const form = document.getElementById("search-box");
  const input = document.getElementById("search-q");
  const list = document.getElementById("search-suggest");
  const status = document.getElementById("search-status");
  if (!form || !input || !list) {
    return;
  }
  let timer = 0;
  let seq = 0;
  let active = -1;

  function items() {
    return Array.from(list.querySelectorAll("[role=option]"));
  }
  // place keeps the list inside the window: it starts under the box and
  // moves left when it would pass the right edge (no sideways scroll).
  function place() {
    list.style.left = "";
    const r = list.getBoundingClientRect();
    const over = r.right - document.documentElement.clientWidth + 8;
    if (over > 0) {
      list.style.left = -Math.min(over, Math.max(r.left - 8, 0)) + "px";
    }
  }
  window.addEventListener("resize", function () {
    if (!list.hidden) {
      place();
    }
  });
  // chosen returns the address of the result picked with the arrow keys.
  function chosen() {
    const opts = items();
    if (list.hidden || active < 0 || !opts[active]) {
      return "";
    }
    return opts[active].querySelector("a").href;
  }
  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }
  function highlight(i) {
    const opts = items();
    opts.forEach(function (o, j) {
      o.setAttribute("aria-selected", j === i ? "true" : "false");
    });
    active = i;
    if (i >= 0 && opts[i]) {
      input.setAttribute("aria-activedescendant", opts[i].id);
      opts[i].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }
  function show(q, data) {
    list.replaceChildren();
    list.dataset.q = q;
    data.forEach(function (r, i) {
      const li = document.createElement("li");
      li.id = "search-opt-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      const a = document.createElement("a");
      a.href = r.url || "/search?q=" + encodeURIComponent(q);
      if (!r.path && r.odoo_url) {
        a.rel = "noopener";
      }
      const kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = r.kind_label;
      const label = document.createElement("span");
      label.className = "label";
      label.textContent = r.label;
      a.append(kind, label);
      a.tabIndex = -1;
      li.append(a);
      list.append(li);
    });
    const all = document.createElement("li");
    all.className = "all";
    const more = document.createElement("a");
    more.href = "/search?q=" + encodeURIComponent(q);
    more.tabIndex = -1;
    more.textContent = data.length ? "All results for “" + q + "” (Enter)" : "Nothing found for “" + q + "”";
    all.append(more);
    list.append(all);
    // The box also asks: the question opens on the Ask page, filled in.
    const askLi = document.createElement("li");
    askLi.className = "all";
    const askLink = document.createElement("a");
    askLink.href = "/ask?question=" + encodeURIComponent(q);
    askLink.tabIndex = -1;
    askLink.textContent = "Ask aicoo: “" + q + "”";
    askLi.append(askLink);
    list.append(askLi);
    list.hidden = false;
    place();
    input.setAttribute("aria-expanded", "true");
    if (status) {
      status.textContent = data.length ? data.length + " results" : "Nothing found";
    }
    active = -1;
  }
  async function lookup() {
    const q = input.value.trim();
    const mine = ++seq;
    if (!q) {
      close();
      return;
    }
    try {
      const resp = await fetch("/api/v1/search?limit=8&q=" + encodeURIComponent(q), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (!resp.ok || mine !== seq) {
        return;
      }
      const body = await resp.json();
      if (mine === seq) {
        show(q, body.data || []);
      }
    } catch (err) {
      // Offline or signed out: the form still submits to /search.
    }
  }
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(lookup, 120);
  });
  input.addEventListener("focus", function () {
    if (input.value.trim() && list.children.length) {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }
  });
  input.addEventListener("keydown", function (ev) {
    const opts = items();
    if (ev.key === "ArrowDown" && opts.length) {
      ev.preventDefault();
      if (list.hidden) {
        list.hidden = false;
      }
      highlight(Math.min(active + 1, opts.length - 1));
    } else if (ev.key === "ArrowUp" && opts.length) {
      ev.preventDefault();
      highlight(Math.max(active - 1, -1));
    } else if (ev.key === "Enter" && chosen()) {
      ev.preventDefault();
      window.location.href = chosen();
    } else if (ev.key === "Escape") {
      if (!list.hidden) {
        ev.preventDefault();
        close();
      } else {
        input.blur();
      }
    }
  });
  // The form submits on Enter (some keyboards send it as a separate
  // character event): a chosen result wins over the results page.
  form.addEventListener("submit", function (ev) {
    if (!input.value.trim()) {
      ev.preventDefault();
    } else if (chosen()) {
      ev.preventDefault();
      window.location.href = chosen();
    }
  });
  document.addEventListener("click", function (ev) {
    if (!form.contains(ev.target)) {
      close();
    }
  });
  document.addEventListener("keydown", function (ev) {
    if ((ev.ctrlKey || ev.metaKey) && !ev.altKey && (ev.key === "k" || ev.key === "K")) {
      ev.preventDefault();
      input.focus();
      input.select();
    }
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
