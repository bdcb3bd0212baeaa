// aicoo Ask page: sends the question to POST /api/v1/ask and shows the
// answer as it streams (Server-Sent Events over fetch). Without this file
// the form posts and the page shows the stored answer.
"use strict";

(function () {
  const form = document.getElementById("ask-form");
  const list = document.getElementById("ask-messages");
  if (!form || !list || !window.fetch || !window.TextDecoder) {
    return;
  }
  const status = document.getElementById("ask-status");
  const threadInput = form.querySelector("input[name=thread_id]");
  const textarea = form.querySelector("textarea");
  const button = form.querySelector("button[type=submit]");

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) {
      e.className = cls;
    }
    if (text !== undefined) {
      e.textContent = text;
    }
    return e;
  }

  function words(name) {
    return name.replace(/_/g, " ");
  }

  // safePath accepts aicoo pages only; safeURL http(s) links only.
  function safePath(p) {
    return typeof p === "string" && p.startsWith("/") && !p.startsWith("//") && !p.includes("\\");
  }
  function safeURL(u) {
    return typeof u === "string" && /^https?:\/\//i.test(u);
  }

  // render fills an answer's item from the final answer, as the page
  // shows a stored one (templates/ask.html).
  function render(item, msg) {
    item.replaceChildren();
    item.id = "m" + msg.id;
    const body = el("div", "ask-a");
    for (const seg of msg.segments || [{ text: msg.text }]) {
      if (seg.ungrounded) {
        const m = el("mark", "", seg.text);
        m.title = "Not found in what aicoo's tools returned";
        body.append(m);
      } else {
        body.append(document.createTextNode(seg.text));
      }
    }
    item.append(body);
    if (msg.note) {
      item.append(el("p", "ask-note", msg.note));
    }
    if (msg.tools && msg.tools.length) {
      const names = msg.tools.map((t) => words(t.name) + (t.refused ? " (refused)" : t.error ? " (error)" : ""));
      item.append(el("p", "ask-tools muted", "Tools used: " + names.join(", ")));
    }
    if (msg.sources && msg.sources.length) {
      const ul = el("ul", "ask-sources");
      ul.setAttribute("aria-label", "Sources");
      for (const s of msg.sources) {
        const li = el("li");
        if (safePath(s.path)) {
          const a = el("a", "", s.label);
          a.href = s.path;
          li.append(a);
        } else {
          li.append(document.createTextNode(s.label));
        }
        if (safeURL(s.odoo_url)) {
          li.append(document.createTextNode(" · "));
          const a = el("a", "", "open in Odoo");
          a.href = s.odoo_url;
          a.rel = "noopener noreferrer";
          a.target = "_blank";
          li.append(a);
        }
        ul.append(li);
      }
      item.append(ul);
    }
  }

  function threadStarted(id, title) {
    if (threadInput.value === String(id)) {
      return;
    }
    threadInput.value = String(id);
    history.replaceState(null, "", "/ask?thread=" + id);
    const threads = document.getElementById("ask-thread-list");
    if (threads) {
      for (const muted of threads.querySelectorAll("li.muted")) {
        muted.remove();
      }
      const li = el("li");
      const a = el("a", "", title);
      a.href = "/ask?thread=" + id;
      a.setAttribute("aria-current", "page");
      li.append(a);
      threads.prepend(li);
    }
  }

  // events reads Server-Sent Events from a fetch response body.
  async function* events(body) {
    const reader = body.getReader();
    const dec = new TextDecoder();
    let buf = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        return;
      }
      buf += dec.decode(value, { stream: true });
      let i;
      while ((i = buf.indexOf("\n\n")) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        let name = "message";
        const data = [];
        for (const line of block.split("\n")) {
          if (line.startsWith("event:")) {
            name = line.slice(6).trim();
          } else if (line.startsWith("data:")) {
            data.push(line.slice(5).trimStart());
          }
        }
        if (data.length) {
          yield { name, data: JSON.parse(data.join("\n")) };
        }
      }
    }
  }

  form.addEventListener("submit", async (ev) => {
    const question = textarea.value.trim();
    if (!question) {
      return;
    }
    ev.preventDefault();
    button.disabled = true;
    const q = el("li", "ask-msg ask-user");
    q.append(el("p", "ask-q", question));
    const a = el("li", "ask-msg ask-assistant");
    a.setAttribute("aria-live", "polite");
    const body = el("div", "ask-a");
    a.append(body);
    list.append(q, a);
    textarea.value = "";
    status.textContent = "Thinking…";
    let finished = false;
    try {
      const resp = await fetch("/api/v1/ask", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
        body: JSON.stringify({ question: question, thread_id: Number(threadInput.value) || 0 }),
      });
      if (!resp.ok) {
        let msg = "The question could not be answered (" + resp.status + ").";
        try {
          msg = (await resp.json()).error.message;
        } catch (e) {
          // keep the generic message
        }
        a.replaceChildren(el("p", "ask-note", msg));
        finished = true;
        return;
      }
      for await (const e of events(resp.body)) {
        switch (e.name) {
          case "thread":
            threadStarted(e.data.thread_id, e.data.title);
            break;
          case "text":
            body.append(document.createTextNode(e.data.text));
            status.textContent = "Writing…";
            break;
          case "tool":
            status.textContent = "Looking up: " + words(e.data.name) + "…";
            break;
          case "answer":
            render(a, e.data.message);
            finished = true;
            break;
          case "error":
            a.append(el("p", "ask-note", e.data.message));
            finished = true;
            break;
        }
      }
    } catch (err) {
      a.append(el("p", "ask-note", "The connection was lost; reload the page to see the stored answer."));
      finished = true;
    } finally {
      if (!finished) {
        a.append(el("p", "ask-note", "The answer ended early; reload the page to see what was stored."));
      }
      status.textContent = "";
      button.disabled = false;
      textarea.focus();
    }
  });
})();
