// Runs the simulator page's real sim.js in node against a small fake browser (the DOM calls
// sim.js makes, a box layout, fetch, EventSource) and checks what a reader sees when images
// arrive. Used by tests/test_small_defects.py; prints one JSON line of findings.
"use strict";
const fs = require("fs");
const vm = require("vm");

const [jsPath, labelsJson] = process.argv.slice(2);
const MSG_HEIGHT = 40, BOX_HEIGHT = 400, IMAGE_HEIGHT = 300;

class Element {
  constructor(tag, id) {
    this.tagName = tag.toUpperCase();
    this.id = id || "";
    this.children = [];
    this.listeners = {};
    this.dataset = {};
    this.className = "";
    this.textContent = "";
    this.innerHTML = "";
    this.hidden = false;
    this.value = "";
    this.loaded = false;
    const self = this;
    this.classList = {
      add(c) { self.className = (self.className + " " + c).trim(); },
      contains(c) { return self.className.split(/\s+/).includes(c); },
    };
  }
  appendChild(child) { this.children.push(child); return child; }
  replaceChildren(...kids) { this.children = kids; }
  setAttribute(name, value) { this[name] = value; }
  focus() {}
  addEventListener(type, fn) { (this.listeners[type] = this.listeners[type] || []).push(fn); }
  dispatch(type, ev) { for (const fn of this.listeners[type] || []) fn({ target: this, ...ev }); }
  all() { return this.children.flatMap((c) => [c, ...c.all()]); }
  querySelector(sel) {
    const cls = sel.replace(/^\./, "");
    return this.all().find((e) => e.classList.contains(cls)) || null;
  }
}

// The conversation box: every message is MSG_HEIGHT tall, plus its images once loaded.
class Box extends Element {
  constructor(id) { super("div", id); this._top = 0; this.clientHeight = BOX_HEIGHT; }
  get scrollHeight() {
    const items = this.all();
    return items.filter((e) => e.classList.contains("msg")).length * MSG_HEIGHT +
      items.filter((e) => e.tagName === "IMG" && e.loaded).length * IMAGE_HEIGHT;
  }
  get scrollTop() { return this._top; }
  set scrollTop(v) {
    const top = Math.max(0, Math.min(v, this.scrollHeight - this.clientHeight));
    if (top === this._top) return;
    this._top = top;
    setTimeout(() => this.dispatch("scroll"), 0);  // browsers fire scroll events later
  }
  userScrollTo(top) { this._top = top; this.dispatch("scroll"); }
}

const ids = {};
for (const id of ["staff-select", "me-roles", "conv-list", "conn-status", "chat-title",
  "chat-purpose", "no-staff", "composer", "input", "send-btn", "hint", "group-hint", "toast"]) {
  ids[id] = new Element("div", id);
}
ids["messages"] = new Box("messages");
ids["sim-texts"] = Object.assign(new Element("script", "sim-texts"), { textContent: labelsJson });

const sources = [];
class EventSource extends Element {
  constructor(url) { super("eventsource"); this.url = url; sources.push(this); }
  close() {}
}

const staff = [{ userid: "zhangwei", name: "张伟", roles: ["engineer"], team: "" },
  { userid: "liujing", name: "刘静", roles: ["manager"], team: "" }];
const replies = { "/sim/api/staff": staff, "/sim/api/chats": [], "/sim/api/messages": { epoch: "e1", messages: [] } };
const sandbox = {
  document: {
    getElementById: (id) => ids[id] || null,
    querySelector: () => ({ content: "Asia/Shanghai" }),
    createElement: (tag) => new Element(tag),
    title: "",
  },
  fetch: async (path) => ({ ok: true, status: 200, json: async () => replies[path.split("?")[0]] }),
  EventSource, location: { search: "", reload() {} }, history: { replaceState() {} },
  localStorage: { getItem: () => null, setItem() {} },
  URLSearchParams, Intl, Date, JSON, Map, Set, Math, String, Array, Uint8Array, Promise,
  crypto: globalThis.crypto, setTimeout, clearTimeout, console,
};
sandbox.window = sandbox;

const tick = () => new Promise((r) => setTimeout(r, 5));
let seq = 0;
function imageFrom(sender) {
  seq += 1;
  return { id: seq, conv: "user:zhangwei", dir: sender ? "in" : "out", kind: "image",
    sender: sender || "", url: "/sim/media/chart" + seq + ".png", title: "图表" + seq,
    at: new Date().toISOString() };
}
function push(entry) { sources[0].dispatch("msg", { data: JSON.stringify(entry) }); }
function lastImage(box) { return box.all().filter((e) => e.tagName === "IMG").pop(); }
function load(img) { img.loaded = true; img.dispatch("load"); }

(async () => {
  vm.runInNewContext(fs.readFileSync(jsPath, "utf8"), sandbox, { filename: jsPath });
  await tick();
  const box = ids["messages"];
  const out = {};
  // Enough messages to scroll, then an image at the bottom while the reader is there.
  for (let i = 0; i < 12; i++) push({ id: ++seq, conv: "user:zhangwei", dir: "out", kind: "text",
    text: "消息" + i, at: new Date().toISOString() });
  await tick();
  push(imageFrom());
  await tick();
  load(lastImage(box));
  await tick();
  out.at_bottom_after_load = box.scrollTop === box.scrollHeight - box.clientHeight;
  // The reader scrolls up to read; an image arriving and loading must not pull them down.
  box.userScrollTo(0);
  push(imageFrom());
  await tick();
  load(lastImage(box));
  await tick();
  out.kept_reading_position = box.scrollTop === 0;
  // Back at the bottom, the next image follows again.
  box.userScrollTo(box.scrollHeight - box.clientHeight);
  push(imageFrom());
  await tick();
  load(lastImage(box));
  await tick();
  out.follows_again = box.scrollTop === box.scrollHeight - box.clientHeight;
  out.images = box.all().filter((e) => e.tagName === "IMG").length;
  console.log(JSON.stringify(out));
})().catch((err) => { console.error(err); process.exit(1); });
