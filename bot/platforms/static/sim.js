// deskbot simulator page: pick a person and a conversation, type, watch replies arrive live.
// Plain browser JavaScript, no build step and no network beyond this server.
"use strict";
(function () {
  const T = JSON.parse(document.getElementById("sim-texts").textContent);
  const tzMeta = document.querySelector('meta[name="sim-tz"]').content;
  const TZ = tzMeta && !tzMeta.includes("%") ? tzMeta : undefined;
  const $ = (id) => document.getElementById(id);
  const PAGE = 500; // the server keeps as many per conversation

  const state = {
    staff: [], chats: [], me: "", open: "",
    convs: new Map(),   // conv id ("user:<userid>" | "chat:<key>") -> entries, oldest first
    unread: new Map(),  // conv id -> count
    seen: new Set(),    // entry ids already placed
    epoch: null, source: null,
  };

  // ---- helpers -------------------------------------------------------------------------
  const esc = (s) => String(s == null ? "" : s).replace(/[&<>"']/g, (c) => (
    { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  function newId() {
    const b = new Uint8Array(12);
    crypto.getRandomValues(b);
    return "web-" + Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  }

  let toastTimer = null;
  function toast(msg) {
    const t = $("toast");
    t.textContent = msg;
    t.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { t.hidden = true; }, 4000);
  }

  async function api(path, body) {
    const opts = body === undefined ? {} : {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    };
    const resp = await fetch(path, opts);
    // A simulator with a login token: the page reloads into its login form.
    if (resp.status === 401) { location.reload(); throw new Error(resp.statusText); }
    let data = null;
    try { data = await resp.json(); } catch (e) { data = null; }
    if (!resp.ok || (data && data.ok === false)) {
      throw new Error((data && data.error) || (resp.status + " " + resp.statusText));
    }
    return data;
  }

  const timeFmt = new Intl.DateTimeFormat("zh-CN", {
    timeZone: TZ, hour: "2-digit", minute: "2-digit", hour12: false });
  const dayFmt = new Intl.DateTimeFormat("zh-CN", { timeZone: TZ, month: "numeric", day: "numeric" });
  // Today's messages show the time; older ones the day too.
  const when = (d) => (dayFmt.format(d) === dayFmt.format(new Date()) ? "" : dayFmt.format(d) + " ") +
    timeFmt.format(d);
  const fullFmt = new Intl.DateTimeFormat("zh-CN", {
    timeZone: TZ, year: "numeric", month: "2-digit", day: "2-digit", weekday: "short",
    hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });

  const staffName = (uid) => {
    const s = state.staff.find((p) => p.userid === uid);
    return s ? s.name : uid;
  };
  const privateConv = () => "user:" + state.me;
  const chatOf = (conv) => state.chats.find((c) => "chat:" + c.chat_key === conv);
  const relevant = (conv) => conv === privateConv() || (conv.startsWith("chat:") && !!chatOf(conv));

  // ---- markdown (the subset bots send: headings, bold, code, links, lists, quotes, colours) --
  function inline(s) {
    let h = esc(s);
    h = h.replace(/`([^`]+)`/g, "<code>$1</code>");
    h = h.replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>");
    h = h.replace(/(^|[^*])\*([^*\s][^*]*)\*/g, "$1<em>$2</em>");
    h = h.replace(/\[([^\]]+)\]\(((?:https?:\/\/|\/)[^)\s]*)\)/g,
      '<a href="$2" target="_blank" rel="noopener">$1</a>');
    h = h.replace(/&lt;font color=&quot;(info|warning|comment)&quot;&gt;([\s\S]*?)&lt;\/font&gt;/g,
      '<span class="c-$1">$2</span>');
    return h;
  }

  function markdown(src) {
    const out = [];
    let list = false, code = null;
    const closeList = () => { if (list) { out.push("</ul>"); list = false; } };
    for (const line of String(src || "").split(/\r?\n/)) {
      if (code !== null) {
        if (/^```/.test(line)) { out.push("<pre><code>" + esc(code.join("\n")) + "</code></pre>"); code = null; }
        else code.push(line);
        continue;
      }
      let m;
      if (/^```/.test(line)) { closeList(); code = []; }
      else if ((m = /^(#{1,6})\s+(.*)$/.exec(line))) {
        closeList();
        out.push('<div class="md-h md-h' + Math.min(m[1].length, 3) + '">' + inline(m[2]) + "</div>");
      } else if ((m = /^\s*[-*+]\s+(.*)$/.exec(line))) {
        if (!list) { out.push("<ul>"); list = true; }
        out.push("<li>" + inline(m[1]) + "</li>");
      } else if ((m = /^>\s?(.*)$/.exec(line))) {
        closeList(); out.push("<blockquote>" + inline(m[1]) + "</blockquote>");
      } else if (/^\s*(-{3,}|\*{3,})\s*$/.test(line)) {
        closeList(); out.push("<hr>");
      } else {
        closeList(); out.push('<div class="md-line">' + inline(line) + "</div>");
      }
    }
    if (code !== null) out.push("<pre><code>" + esc(code.join("\n")) + "</code></pre>");
    closeList();
    return out.join("");
  }

  // ---- rendering -------------------------------------------------------------------------
  function renderMentions(entry, into) {
    if (!entry.mentions || !entry.mentions.length || entry.dir !== "out") return;
    const line = el("div", "mention", entry.mentions.map((u) => "@" + staffName(u)).join(" "));
    into.appendChild(line);
  }

  function renderCard(entry) {
    const card = el("div", "card");
    if (entry.title) card.appendChild(el("div", "card-title", entry.title));
    const body = el("div", "card-body md");
    body.innerHTML = markdown(entry.text);
    renderMentions(entry, body);
    card.appendChild(body);
    if (entry.buttons && entry.buttons.length) {
      const row = el("div", "card-buttons");
      for (const b of entry.buttons) {
        const btn = el("button", "", b.text);
        btn.type = "button";
        btn.dataset.key = b.key;
        btn.addEventListener("click", () => clickButton(entry, b, btn));
        row.appendChild(btn);
      }
      card.appendChild(row);
    }
    return card;
  }

  function renderEntry(entry) {
    const mine = entry.dir === "in" && entry.sender === state.me;
    const wrap = el("div", "msg " + (entry.dir === "out" ? "bot" : mine ? "mine" : "other"));
    wrap.dataset.id = entry.id || "";
    if (entry.client_id) wrap.dataset.clientId = entry.client_id;
    if (entry.kind === "click") {
      wrap.classList.add("click");
      const who = mine ? "" : (entry.sender_name || entry.sender) + " ";
      wrap.appendChild(el("div", "click-echo", who + T.clicked.replace("{label}", entry.text || entry.key)));
      return wrap;
    }
    const at = entry.at ? new Date(entry.at) : null;
    const meta = el("div", "meta",
      (mine ? "" : (entry.sender_name || entry.sender) + "  ") + (at ? when(at) : ""));
    if (at) meta.title = fullFmt.format(at);
    wrap.appendChild(meta);
    let body;
    if (entry.kind === "card") {
      body = renderCard(entry);
    } else if (entry.kind === "markdown") {
      body = el("div", "bubble md");
      body.innerHTML = markdown(entry.text);
      renderMentions(entry, body);
    } else if (entry.kind === "image") {
      body = el("div", "bubble");
      if (entry.title) body.appendChild(el("div", "caption", entry.title));
      const img = el("img");
      img.src = entry.url;
      img.alt = entry.title || entry.file_name || "";
      body.appendChild(img);
      if (entry.text) body.appendChild(el("div", "", entry.text));
    } else if (entry.kind === "file") {
      body = el("div", "bubble");
      const a = el("a", "", (entry.title || entry.file_name) + "  ·  " + T.open_file);
      a.href = entry.url;
      a.target = "_blank";
      a.rel = "noopener";
      body.appendChild(a);
    } else {
      body = el("div", "bubble", entry.text);
      renderMentions(entry, body);
    }
    wrap.appendChild(body);
    if (entry.pending) { wrap.classList.add("pending"); wrap.appendChild(el("div", "note", T.sending)); }
    if (entry.error) {
      wrap.classList.add("failed");
      wrap.appendChild(el("div", "note", T.send_failed + "：" + entry.error));
    } else if (entry.forwarded === false) {
      wrap.appendChild(el("div", "note", T.not_forwarded));
    }
    return wrap;
  }

  function nearBottom(box) { return box.scrollHeight - box.scrollTop - box.clientHeight < 80; }

  function renderOpen(scroll) {
    const box = $("messages");
    const entries = state.convs.get(state.open) || [];
    box.replaceChildren();
    if (!entries.length) box.appendChild(el("div", "empty", T.no_messages));
    for (const e of entries) box.appendChild(renderEntry(e));
    if (scroll !== false) box.scrollTop = box.scrollHeight;
  }

  function renderConvList() {
    const ul = $("conv-list");
    ul.replaceChildren();
    const items = [{ conv: privateConv(), name: T.private_chat, purpose: "" }].concat(
      state.chats.map((c) => ({ conv: "chat:" + c.chat_key, name: c.name,
                                purpose: T.purposes[c.purpose] || c.purpose })));
    let total = 0;
    for (const it of items) {
      const li = el("li");
      li.dataset.conv = it.conv;
      if (it.conv === state.open) li.classList.add("active");
      li.appendChild(el("span", "conv-name", it.name));
      if (it.purpose) li.appendChild(el("span", "conv-purpose", it.purpose));
      const n = state.unread.get(it.conv) || 0;
      total += n;
      if (n) {
        const b = el("span", "badge", n > 99 ? "99+" : String(n));
        b.title = n + " " + T.unread;
        li.appendChild(b);
      }
      li.addEventListener("click", () => openConv(it.conv));
      ul.appendChild(li);
    }
    document.title = (total ? "(" + total + ") " : "") + T.title;
  }

  function renderHeader() {
    const chat = chatOf(state.open);
    $("chat-title").textContent = chat ? chat.name : T.private_chat;
    $("chat-purpose").textContent = chat ? (T.purposes[chat.purpose] || chat.purpose || "") : "";
    $("group-hint").hidden = !chat;
  }

  // ---- the message store ---------------------------------------------------------------
  function place(entry, live) {
    if (entry.id && state.seen.has(entry.id)) return;
    if (!relevant(entry.conv)) return;
    if (entry.id) state.seen.add(entry.id);
    const list = state.convs.get(entry.conv) || [];
    state.convs.set(entry.conv, list);
    let appended = false;
    // Our own message comes back with an id: it takes the place of its pending copy.
    const pend = entry.client_id ? list.findIndex((e) => !e.id && e.client_id === entry.client_id) : -1;
    if (pend >= 0) list.splice(pend, 1);
    // A card sent again under the same task id, or redrawn ("update"), is that card updated in
    // place (e.g. who claimed it): it keeps its place and is not counted as unread.
    const card = entry.kind === "card" && entry.task_id
      ? list.findIndex((e) => e.kind === "card" && e.task_id === entry.task_id) : -1;
    if (card >= 0) {
      list[card] = entry;
    } else {
      let i = list.length;
      while (i > 0 && (!list[i - 1].id || list[i - 1].id > entry.id)) i--;
      list.splice(i, 0, entry);
      appended = pend < 0 && i === list.length - 1;
    }
    while (list.length > PAGE) list.shift();
    if (entry.conv === state.open) {
      const box = $("messages");
      const stick = nearBottom(box) || entry.sender === state.me;
      if (appended && box.querySelector(".empty") === null) box.appendChild(renderEntry(entry));
      else renderOpen(false);
      if (stick) box.scrollTop = box.scrollHeight;
    } else if (live && card < 0 && !(entry.dir === "in" && entry.sender === state.me)) {
      state.unread.set(entry.conv, (state.unread.get(entry.conv) || 0) + 1);
      renderConvList();
    }
  }

  async function loadMessages() {
    const data = await api("/sim/api/messages?userid=" + encodeURIComponent(state.me));
    state.epoch = state.epoch || data.epoch;
    for (const e of data.messages) place(e, false);
  }

  // ---- actions -------------------------------------------------------------------------
  function openConv(conv) {
    state.open = conv;
    state.unread.delete(conv);
    const q = new URLSearchParams(location.search);
    q.set("user", state.me);
    q.set("conv", conv === privateConv() ? "user" : conv.slice(5));
    history.replaceState(null, "", "?" + q.toString());
    renderConvList();
    renderHeader();
    renderOpen();
    $("input").focus();
  }

  const convParam = () => (state.open === privateConv() ? "user" : state.open.slice(5));

  async function sendText() {
    const input = $("input");
    const text = input.value;
    if (!text.trim() || !state.me) return;
    const entry = { conv: state.open, dir: "in", kind: "text", sender: state.me,
                    sender_name: staffName(state.me), text: text.trim(), client_id: newId(),
                    at: new Date().toISOString(), pending: true };
    input.value = "";
    place(entry, false);
    try {
      await api("/sim/api/send", { userid: state.me, conv: convParam(), text: text,
                                   client_id: entry.client_id });
      entry.pending = false;
    } catch (err) {
      entry.pending = false;
      entry.error = err.message;
    }
    if (!entry.id && entry.conv === state.open) renderOpen(false);
  }

  async function clickButton(entry, button, btn) {
    btn.disabled = true;
    try {
      await api("/sim/api/click", { userid: state.me, conv: convParam(), key: button.key,
                                    task_id: entry.task_id || "", label: button.text,
                                    client_id: newId() });
    } catch (err) {
      toast(T.send_failed + "：" + err.message);
    } finally {
      btn.disabled = false;
    }
  }

  async function chooseMe(userid, conv) {
    state.me = userid;
    localStorage.setItem("deskbot-sim-user", userid);
    state.convs.clear();
    state.unread.clear();
    state.seen.clear();
    const person = state.staff.find((p) => p.userid === userid);
    const roles = $("me-roles");
    roles.replaceChildren();
    for (const r of (person ? person.roles : [])) roles.appendChild(el("span", "role", T.roles[r] || r));
    const wanted = conv && conv !== "user" ? "chat:" + conv : privateConv();
    state.open = relevant(wanted) ? wanted : privateConv();
    try { await loadMessages(); } catch (err) { toast(err.message); }
    openConv(state.open);
  }

  function connect() {
    if (state.source) state.source.close();
    const src = new EventSource("/sim/api/stream");
    state.source = src;
    const status = $("conn-status");
    src.addEventListener("hello", (ev) => {
      status.className = "status ok";
      status.textContent = T.connected;
      const epoch = JSON.parse(ev.data).epoch;
      if (state.epoch && epoch !== state.epoch) {
        // The server restarted: its ids started over, so start over too.
        state.epoch = epoch;
        chooseMe(state.me, convParam());
      }
      state.epoch = epoch;
    });
    src.addEventListener("msg", (ev) => place(JSON.parse(ev.data), true));
    src.addEventListener("error", () => {
      status.className = "status bad";
      status.textContent = T.reconnecting;
    });
  }

  // ---- start ---------------------------------------------------------------------------
  async function start() {
    $("composer").addEventListener("submit", (ev) => { ev.preventDefault(); sendText(); });
    $("input").addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing && ev.keyCode !== 229) {
        ev.preventDefault();
        sendText();
      }
    });
    $("staff-select").addEventListener("change", (ev) => chooseMe(ev.target.value, "user"));
    try {
      [state.staff, state.chats] = await Promise.all([api("/sim/api/staff"), api("/sim/api/chats")]);
    } catch (err) {
      toast(err.message);
      return;
    }
    const sel = $("staff-select");
    for (const s of state.staff) {
      const roles = s.roles.map((r) => T.roles[r] || r).join("、");
      const opt = el("option", "", s.name + (roles ? "（" + roles + "）" : "") + (s.team ? " · " + s.team : ""));
      opt.value = s.userid;
      sel.appendChild(opt);
    }
    if (!state.staff.length) {
      $("no-staff").hidden = false;
      $("composer").setAttribute("disabled", "");
      $("messages").hidden = true;
      return;
    }
    const q = new URLSearchParams(location.search);
    const known = (u) => state.staff.some((s) => s.userid === u);
    let me = q.get("user");
    if (!known(me)) me = localStorage.getItem("deskbot-sim-user");
    if (!known(me)) me = state.staff[0].userid;
    sel.value = me;
    connect();
    await chooseMe(me, q.get("conv"));
  }

  start();
})();
