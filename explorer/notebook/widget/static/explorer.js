// The revlog explorer widget's front end: an anywidget ES module, hand-written, no build.
//
// The kernel computes everything (explorer/views, through explorer/notebook/widget);
// this module only draws it and says what the user picked. Two rules hold throughout:
// text from the store is only ever set as text (textContent, text nodes, SVG <text>),
// never parsed as markup; and nothing is loaded from the network.
// Long lists (the store's revlogs, the index, a revision's lines) are virtual: the
// module asks the kernel for the rows on screen ({kind, start, stop, id} as a custom
// message) and draws those.

const SVG_NS = "http://www.w3.org/2000/svg";
const MAX_SCROLL_PX = 4_000_000; // taller lists scroll proportionally (browsers cap heights)

// -- DOM helpers: children are nodes or strings (strings become text nodes) -------------

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  el.append(...children.filter((c) => c !== null && c !== undefined).map(toNode));
  return el;
}

function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  el.append(...children.map(toNode));
  return el;
}

function toNode(child) {
  return child instanceof Node ? child : document.createTextNode(String(child));
}

function setAttrs(el, attrs) {
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, String(value));
  }
}

function bytes(n) {
  if (n === null || n === undefined) return "";
  if (n < 1024) return `${n} B`;
  const units = ["kB", "MB", "GB", "TB"];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

// -- requests to the kernel -------------------------------------------------------------

class Channel {
  constructor(model) {
    this.model = model;
    // every view of the model hears every reply: ids unique to this view
    this.prefix = Math.random().toString(36).slice(2);
    this.next = 1;
    this.waiting = new Map();
    this.receive = (msg) => {
      const resolve = msg && this.waiting.get(msg.id);
      if (resolve) {
        this.waiting.delete(msg.id);
        resolve(msg);
      }
    };
    model.on("msg:custom", this.receive);
  }

  ask(request) {
    const id = `${this.prefix}:${this.next++}`;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.model.send({ ...request, id });
    });
  }

  close() {
    this.model.off("msg:custom", this.receive);
  }
}

// -- a virtual list: rows of a fixed height, fetched by window --------------------------

class VirtualList {
  // options.fetch: (start, stop) => Promise<array of rows, or null when stale>;
  // options.render: (row, index) => Node
  constructor({ rowHeight, className, fetch, render }) {
    this.rowHeight = rowHeight;
    this.fetch = fetch;
    this.render = render;
    this.count = 0;
    this.rows = new Map();
    this.pending = null;
    this.generation = 0;
    this.spacer = h("div", { class: "rx-spacer" });
    this.body = h("div", { class: "rx-rows" });
    this.el = h("div", { class: `rx-list ${className}`, tabindex: "0" }, this.spacer, this.body);
    this.el.addEventListener("scroll", () => this.draw());
    new ResizeObserver(() => this.draw()).observe(this.el);
  }

  reset(count, known = []) {
    this.generation += 1;
    this.count = count;
    this.rows = new Map(known.map((row, i) => [i, row]));
    this.pending = null;
    this.spacer.style.height = `${Math.min(count * this.rowHeight, MAX_SCROLL_PX)}px`;
    this.draw();
  }

  visible() {
    return Math.max(1, Math.ceil((this.el.clientHeight || 400) / this.rowHeight));
  }

  scaled() {
    return this.count * this.rowHeight > MAX_SCROLL_PX;
  }

  first() {
    const top = this.el.scrollTop;
    if (!this.scaled()) return Math.floor(top / this.rowHeight);
    const room = MAX_SCROLL_PX - this.el.clientHeight;
    const last = Math.max(0, this.count - this.whole());
    return Math.min(last, Math.round((top / Math.max(1, room)) * last));
  }

  whole() {
    // rows wholly on screen
    return Math.max(1, Math.floor((this.el.clientHeight || 400) / this.rowHeight));
  }

  topFor(index) {
    if (!this.scaled()) return index * this.rowHeight;
    const last = Math.max(1, this.count - this.whole());
    return (index / last) * (MAX_SCROLL_PX - this.el.clientHeight);
  }

  scrollTo(index) {
    const first = this.first();
    const whole = this.whole();
    if (index < first) this.el.scrollTop = this.topFor(index);
    else if (index >= first + whole) this.el.scrollTop = this.topFor(index - whole + 1);
    this.draw();
  }

  draw() {
    const first = this.first();
    const stop = Math.min(this.count, first + this.visible() + 1);
    // rows sit where they scroll to; past the browser's height cap they follow the view
    this.body.style.top = `${this.scaled() ? this.el.scrollTop : first * this.rowHeight}px`;
    const out = [];
    let missing = false;
    for (let i = first; i < stop; i++) {
      const row = this.rows.get(i);
      if (row === undefined) {
        missing = true;
        out.push(h("div", { class: "rx-row rx-loading" }, "…"));
      } else out.push(this.render(row, i));
    }
    this.body.replaceChildren(...out);
    if (missing) this.load(first, stop);
  }

  load(first, stop) {
    const span = stop - first;
    const start = Math.max(0, first - span);
    const end = Math.min(this.count, stop + span);
    const key = `${this.generation}:${start}`;
    if (this.pending === key) return;
    this.pending = key;
    const generation = this.generation;
    this.fetch(start, end).then((rows) => {
      if (generation !== this.generation || rows === null) return;
      if (this.rows.size > 20000) this.rows.clear();
      rows.forEach((row, i) => this.rows.set(start + i, row));
      if (this.pending === key) this.pending = null;
      this.draw();
    });
  }
}

// -- the panes ---------------------------------------------------------------------------

const INDEX_COLUMNS = [
  ["rev", "rev"], ["offset", "offset"], ["flags", "flags"], ["stored", "stored"],
  ["size", "full"], ["base", "base"], ["link", "link"], ["p1", "p1"], ["p2", "p2"],
  ["node", "node"], ["chain", "chain"], ["level", "lvl"],
];

function indexPane(model, channel, select) {
  const header = h("div", { class: "rx-row rx-head" },
    ...INDEX_COLUMNS.map(([key, title]) => h("span", { class: `rx-c-${key}` }, title)));
  const list = new VirtualList({
    rowHeight: 22,
    className: "rx-index-list",
    fetch: async (start, stop) => {
      const revlog = model.get("revlog");
      const reply = await channel.ask({ kind: "index", revlog, start, stop });
      return reply.stale || reply.revlog !== model.get("revlog") ? null : reply.rows;
    },
    render: (row) => {
      const classes = ["rx-row", "rx-entry"];
      if (row.rev === model.get("rev")) classes.push("rx-selected");
      if (row.error) classes.push("rx-damaged");
      if (row.level === 0) classes.push("rx-full");
      else if (row.level !== null && row.level !== undefined) classes.push("rx-snapshot");
      const cells = INDEX_COLUMNS.map(([key]) => {
        const value = row[key];
        return h("span", { class: `rx-c-${key}` }, value === null || value === undefined ? "" : value);
      });
      return h("div", { class: classes.join(" "), "data-rev": row.rev, title: row.error || null,
        onclick: () => select(row.rev) }, ...cells);
    },
  });
  list.el.addEventListener("keydown", (event) => {
    const steps = { ArrowDown: 1, ArrowUp: -1, PageDown: list.visible() - 1,
      PageUp: 1 - list.visible(), Home: -Infinity, End: Infinity };
    if (!(event.key in steps)) return;
    event.preventDefault();
    const count = model.get("count");
    const rev = Math.max(0, Math.min(count - 1, model.get("rev") + steps[event.key]));
    if (count) select(rev);
  });
  const reset = () => {
    list.reset(model.get("count"));
    list.scrollTo(Math.max(0, model.get("rev")));
  };
  const follow = () => list.scrollTo(Math.max(0, model.get("rev")));
  return { el: h("div", { class: "rx-pane rx-index" }, header, list.el), reset, follow, list };
}

function revlogPane(model, channel) {
  let filter = "";
  const count = h("span", { class: "rx-muted" });
  const input = h("input", { type: "search", class: "rx-filter", placeholder: "filter revlogs…",
    "aria-label": "filter revlogs" });
  const list = new VirtualList({
    rowHeight: 22,
    className: "rx-revlog-list",
    fetch: async (start, stop) => {
      const asked = filter;
      const reply = await channel.ask({ kind: "revlogs", filter: asked, start, stop });
      if (asked !== filter) return null;
      if (reply.total !== list.count) list.reset(reply.total);
      count.textContent = asked ? `${reply.total} of ${model.get("revlogs")}`
        : `${reply.total} revlogs`;
      return reply.rows;
    },
    render: (row) => {
      const classes = ["rx-row", "rx-revlog"];
      if (row.path === model.get("revlog")) classes.push("rx-selected");
      if (row.error) classes.push("rx-damaged");
      return h("div", { class: classes.join(" "), title: row.error || row.path,
        onclick: () => { model.set("revlog", row.path); model.save_changes(); } },
        h("span", { class: `rx-kind rx-kind-${row.kind}` }, row.kind[0]),
        h("span", { class: "rx-path" }, row.path),
        h("span", { class: "rx-revs" }, row.revisions === null ? "!" : row.revisions),
        h("span", { class: "rx-size" }, bytes(row.size)));
    },
  });
  input.addEventListener("input", () => {
    filter = input.value;
    list.reset(list.count);
  });
  list.reset(model.get("revlogs"));
  return { el: h("div", { class: "rx-pane rx-revlogs" },
    h("div", { class: "rx-pane-head" }, h("b", {}, "revlogs "), count), input, list.el), list };
}

// The parents graph of the revisions around the selected one.
function drawDag(dag, select) {
  const nodes = (dag && dag.nodes) || [];
  const step = 22;
  const colWidth = 16;
  const left = 14;
  const top = 18;
  const labelX = left + Math.max(1, dag.width || 1) * colWidth + 6;
  const at = new Map(nodes.map((n) => [n.rev, n]));
  const x = (n) => left + n.column * colWidth;
  const y = (n) => top + n.row * step;
  const height = top + nodes.length * step;
  const out = svg("svg", { class: "rx-dag-svg", width: labelX + 150, height,
    viewBox: `0 0 ${labelX + 150} ${height}` });
  for (const n of nodes) {
    for (const p of n.parents) {
      const parent = at.get(p);
      if (!parent) continue;
      const mid = (y(parent) + y(n)) / 2;
      out.append(svg("path", { class: "rx-edge",
        d: `M${x(parent)},${y(parent)} C${x(parent)},${mid} ${x(n)},${mid} ${x(n)},${y(n)}` }));
    }
    n.outside.forEach((p, i) => {
      out.append(svg("path", { class: "rx-edge rx-stub",
        d: `M${x(n)},${y(n)} L${x(n) + 6 * (i + 1)},${y(n) - step * 0.8}` }));
    });
  }
  for (const n of nodes) {
    const selected = n.rev === dag.rev;
    const outside = n.outside.length ? `  ↑ ${n.outside.join(", ")}` : "";
    const merge = n.parents.length > 1 ? "  merge" : "";
    const broken = n.broken ? "  ✕ a parent cannot be read" : "";
    const classes = ["rx-node", selected ? "rx-selected" : "", n.broken ? "rx-broken" : ""];
    const group = svg("g", { class: classes.join(" ").trim(), "data-rev": n.rev,
      onclick: () => select(n.rev) },
    svg("circle", { cx: x(n), cy: y(n), r: selected ? 6 : 4.5 }),
    svg("text", { x: labelX, y: y(n) + 4 }, `${n.rev}${merge}${outside}${broken}`));
    out.append(group);
  }
  return out;
}

const LEVEL_NAMES = ["full snapshot", "level-1 snapshot", "level-2 snapshot"];

function levelClass(level) {
  if (level === null || level === undefined) return "rx-lvl-delta";
  return `rx-lvl-${Math.min(level, 3)}`;
}

function nodeWords(node) {
  const level = node.level === 0 ? "full" : node.level !== null && node.level !== undefined
    ? `L${node.level} snap` : node.why;
  return `${level}  ${bytes(node.stored)}`;
}

// The snapshot tree: the selected revision's chain down column 0, and the revisions
// near it that build on each link hanging to the right, one row lower.
function drawChain(chain, select) {
  const nodes = (chain && chain.nodes) || [];
  const boxW = 164;
  const boxH = 21;
  const colW = 174;
  const rowH = 29;
  const left = 10;
  const top = 8;
  const rows = Math.max(0, ...nodes.map((n) => n.row + 1), (chain.cut_row ?? -1) + 1);
  const columns = Math.max(1, ...nodes.map((n) => n.column + 1));
  const more = new Map((chain.more || []).map(([base, count]) => [base, count]));
  const width = left + columns * colW + (more.size ? 70 : 0);
  const height = top + rows * rowH;
  const out = svg("svg", { class: "rx-chain-svg", width, height, viewBox: `0 0 ${width} ${height}` });
  const X = (n) => left + n.column * colW;
  const Y = (row) => top + row * rowH;
  const byRev = new Map(nodes.map((n) => [n.rev, n]));
  const spine = nodes.filter((n) => n.chain);
  for (let i = 1; i < spine.length; i++) {
    const a = spine[i - 1];
    const b = spine[i];
    const cut = b.row - a.row > 1;
    out.append(svg("line", { class: `rx-edge${cut ? " rx-cut" : ""}`, x1: X(a) + boxW / 2,
      y1: Y(a.row) + boxH, x2: X(b) + boxW / 2, y2: Y(b.row) }));
  }
  if (chain.cut) {
    out.append(svg("text", { class: "rx-cut-label", x: left + boxW / 2 + 6, y: Y(chain.cut_row) + 15 },
      `… ${chain.cut} links`));
  }
  for (const n of nodes) {
    if (n.chain) continue;
    const base = byRev.get(n.base);
    if (!base) continue;
    const bus = Y(base.row) + boxH + (rowH - boxH) / 2;
    out.append(svg("path", { class: "rx-edge rx-branch",
      d: `M${X(base) + boxW / 2},${Y(base.row) + boxH} V${bus} H${X(n) + boxW / 2} V${Y(n.row)}` }));
  }
  for (const n of nodes) {
    const selected = n.rev === chain.rev;
    const classes = ["rx-tnode", levelClass(n.level), n.chain ? "rx-on-chain" : "rx-off-chain"];
    if (selected) classes.push("rx-selected");
    out.append(svg("g", { class: classes.join(" "), "data-rev": n.rev, onclick: () => select(n.rev) },
      svg("title", {}, `rev ${n.rev}: ${n.base === -1 ? "stored whole" : `delta against rev ${n.base}`}`
        + ` (${n.why}), ${n.stored} bytes stored`),
      svg("rect", { x: X(n), y: Y(n.row), width: boxW, height: boxH, rx: 5 }),
      svg("text", { x: X(n) + 7, y: Y(n.row) + 15 }, svg("tspan", { class: "rx-tnode-rev" }, `rev ${n.rev}`),
        svg("tspan", { class: "rx-tnode-words", dx: 6 }, nodeWords(n)))));
  }
  for (const [baseRev, count] of more) {
    const base = byRev.get(baseRev);
    if (!base) continue;
    const row = base.row + 1;
    const kids = nodes.filter((n) => n.base === baseRev && !n.chain);
    const last = Math.max(0, ...kids.map((n) => n.column));
    out.append(svg("text", { class: "rx-more", x: left + (last + 1) * colW, y: Y(row) + 15 },
      `+${count} more`));
  }
  return out;
}

// Beside the tree: how the selected revision is stored, and what its chain holds.
function chainFacts(chain) {
  const nodes = (chain.nodes || []).filter((n) => n.chain);
  const snapshots = nodes.filter((n) => n.level !== null && n.level !== undefined);
  const facts = snapshots.map((n) => h("li", {}, h("i", { class: `rx-swatch ${levelClass(n.level)}` }),
    ` rev ${n.rev}: ${n.level === 0 ? "full snapshot" : `level-${n.level} snapshot`}, ${bytes(n.stored)}`));
  const deltas = (chain.length || 0) - snapshots.length;
  if (deltas > 0) {
    facts.push(h("li", {}, h("i", { class: "rx-swatch rx-lvl-delta" }),
      ` ${deltas} delta${deltas === 1 ? "" : "s"} applied on top`));
  }
  return [h("p", {}, chain.words || ""), h("ul", { class: "rx-chain-facts" }, ...facts),
    h("p", { class: "rx-muted" }, "Click a revision to select it. Off the chain (dashed):"
      + " revisions nearby that build on the same links.")];
}

function chainLegend() {
  const items = [["rx-lvl-0", LEVEL_NAMES[0]], ["rx-lvl-1", LEVEL_NAMES[1]],
    ["rx-lvl-2", "level-2+ snapshot"], ["rx-lvl-delta", "delta"]];
  return h("div", { class: "rx-legend" }, ...items.map(([cls, words]) =>
    h("span", { class: "rx-legend-item" }, h("i", { class: `rx-swatch ${cls}` }), words)));
}

// -- text: the revision decoded, or its delta's hunks -----------------------------------

function styleClasses(style) {
  return (style || "").split(/\s+/).filter((w) => /^[a-z_]+$/.test(w)).map((w) => `rx-s-${w}`);
}

function renderLine([runs, style]) {
  const line = h("div", { class: ["rx-line", ...styleClasses(style)].join(" ") });
  for (const [text, runStyle] of runs) {
    const classes = styleClasses(runStyle);
    line.append(classes.length ? h("span", { class: classes.join(" ") }, text) : document.createTextNode(text));
  }
  return line;
}

function textPane(model, channel) {
  const list = new VirtualList({
    rowHeight: 18,
    className: "rx-text-list",
    fetch: async (start, stop) => {
      const { revlog, rev, mode } = model.get("text");
      const reply = await channel.ask({ kind: "lines", revlog, rev, mode, start, stop });
      const now = model.get("text");
      const same = !reply.stale && reply.rev === now.rev && reply.revlog === now.revlog
        && reply.mode === now.mode;
      return same ? reply.lines : null;
    },
    render: (line) => renderLine(line),
  });
  const reset = () => {
    const text = model.get("text") || {};
    list.reset(text.count || 0, text.head || []);
    list.el.scrollTop = 0;
    list.draw();
  };
  return { el: list.el, reset };
}

// -- hex: the entry and chunk bytes, every field coloured and named ---------------------

const FIELD_COLOURS = 10;

function hexSection(section, describe) {
  const data = section.hex || "";
  const count = data.length / 2;
  const owner = new Int32Array(count).fill(-1);
  section.spans.forEach(([start, end], i) => owner.fill(i, start, end));
  const base = section.offset ?? 0;
  const title = h("div", { class: "rx-hex-title" }, section.title,
    section.file ? h("span", { class: "rx-muted" },
      `  ${section.file}${section.offset !== null ? ` @ ${section.offset}` : ""}`) : null);
  const grid = h("div", { class: "rx-hex-grid" });
  for (let row = 0; row < count; row += 16) {
    const hexCells = [];
    const ascii = [];
    for (let i = row; i < Math.min(count, row + 16); i++) {
      const byte = parseInt(data.slice(2 * i, 2 * i + 2), 16);
      const field = owner[i];
      const cls = field < 0 ? "rx-b" : `rx-b rx-f${field % FIELD_COLOURS}`;
      hexCells.push(h("span", { class: cls, "data-field": field }, data.slice(2 * i, 2 * i + 2)));
      ascii.push(h("span", { class: cls, "data-field": field },
        byte >= 32 && byte < 127 ? String.fromCharCode(byte) : "."));
    }
    grid.append(h("div", { class: "rx-hex-line" },
      h("span", { class: "rx-addr" }, (base + row).toString(16).padStart(8, "0")),
      h("span", { class: "rx-hex-bytes" }, ...hexCells),
      h("span", { class: "rx-hex-ascii" }, ...ascii)));
  }
  grid.addEventListener("mouseover", (event) => {
    const field = Number(event.target.dataset && event.target.dataset.field);
    if (field >= 0) describe(section.spans[field], field);
  });
  const fields = h("div", { class: "rx-fields" }, ...section.spans.map(([start, end, name, words], i) =>
    h("div", { class: "rx-field", onmouseenter: () => describe(section.spans[i], i) },
      h("span", { class: `rx-chip rx-f${i % FIELD_COLOURS}` }, name),
      h("span", { class: "rx-muted" }, ` bytes ${start}–${end - 1}  `), words)));
  const cut = section.total > count
    ? h("div", { class: "rx-muted" }, `first ${count} of ${section.total} bytes shown`) : null;
  return h("div", { class: "rx-hex-section" }, title, grid, cut, fields);
}

function drawHex(sections) {
  const note = h("div", { class: "rx-hex-note" }, "point at a byte or a field to see what it means");
  const describe = ([start, end, name, words], i) => {
    note.replaceChildren(h("span", { class: `rx-chip rx-f${i % FIELD_COLOURS}` }, name),
      ` bytes ${start}–${end - 1}: `, words);
  };
  return h("div", { class: "rx-hex" }, note, ...(sections || []).map((s) => hexSection(s, describe)));
}

// Scroll a graph's pane (only it, not the page) so its selected node shows.
function reveal(box) {
  const node = box.querySelector(".rx-selected");
  if (!node || !box.clientHeight) return;
  const boxTop = box.getBoundingClientRect().top;
  const { top, bottom } = node.getBoundingClientRect();
  if (top < boxTop || bottom > boxTop + box.clientHeight) {
    box.scrollTop += top - boxTop - box.clientHeight / 2;
  }
}

// -- the whole widget -------------------------------------------------------------------

function render({ model, el }) {
  const channel = new Channel(model);
  const select = (rev) => {
    model.set("rev", rev);
    model.save_changes();
  };
  const title = h("span", { class: "rx-title" });
  const facts = h("span", { class: "rx-muted" });
  const error = h("span", { class: "rx-error" });
  const goTo = h("input", { type: "search", class: "rx-goto", placeholder: "go to rev or node…",
    "aria-label": "go to a revision by number or node prefix" });
  goTo.addEventListener("keydown", async (event) => {
    if (event.key !== "Enter" || !goTo.value.trim()) return;
    const reply = await channel.ask({ kind: "lookup", query: goTo.value });
    goTo.classList.toggle("rx-bad", Boolean(reply.error));
    goTo.title = reply.error || "";
    error.textContent = reply.error || model.get("error") || "";
  });
  const revlogs = revlogPane(model, channel);
  const index = indexPane(model, channel, select);
  const dagBox = h("div", { class: "rx-graph" });
  const chainBox = h("div", { class: "rx-graph" });
  const chainWords = h("div", { class: "rx-words" });
  const chainHead = h("div", { class: "rx-pane-head" });
  const dagHead = h("div", { class: "rx-pane-head" });
  const text = textPane(model, channel);
  const hexBox = h("div", { class: "rx-hex-box" });
  const tabs = ["text", "delta", "hex"].map((name) => h("button", { class: "rx-tab", "data-tab": name,
    onclick: () => showTab(name) }, name === "delta" ? "delta hunks" : name === "hex" ? "hex anatomy" : "text"));
  let tab = model.get("text_mode") || "text";

  function showTab(name) {
    tab = name;
    tabs.forEach((b) => b.classList.toggle("rx-active", b.dataset.tab === name));
    text.el.hidden = name === "hex";
    hexBox.hidden = name !== "hex";
    if (name !== "hex" && model.get("text_mode") !== name) {
      model.set("text_mode", name);
      model.save_changes();
    }
    if (name !== "hex") text.reset();
  }

  const onHeader = () => {
    title.textContent = model.get("revlog") || "(no revlog)";
    const f = model.get("facts") || {};
    facts.textContent = [f.kind, `${model.get("count")} revisions`, f.format].filter(Boolean).join(" · ");
    error.textContent = model.get("error") || "";
    revlogs.list.draw();
  };
  const onRev = () => {
    index.list.draw();
    index.follow();
  };
  const onChain = () => {
    const chain = model.get("chain") || {};
    const head = chain.error ? chain.error
      : chain.rev === undefined ? "" : `rev ${chain.rev}: a chain of ${chain.length} link${chain.length === 1 ? "" : "s"}`
        + `, ${bytes(chain.read)} read from disk`;
    chainHead.replaceChildren(h("b", {}, "delta chain "), h("span", { class: "rx-muted" }, head));
    chainBox.replaceChildren(drawChain(chain, select));
    chainWords.replaceChildren(...chainFacts(chain));
    reveal(chainBox);
  };
  const onDag = () => {
    const dag = model.get("dag") || {};
    dagHead.replaceChildren(h("b", {}, "parents "),
      h("span", { class: "rx-muted" }, dag.rev === undefined ? "" : `around rev ${dag.rev}`));
    dagBox.replaceChildren(drawDag(dag, select));
    reveal(dagBox);
  };
  const onHex = () => hexBox.replaceChildren(drawHex(model.get("hexdump")));

  const handlers = [
    ["change:revlog", () => { onHeader(); index.reset(); }],
    ["change:count", () => { onHeader(); index.reset(); }],
    ["change:facts", onHeader],
    // damage found while showing a revision: its index row is marked, so rows are asked again
    ["change:error", () => { onHeader(); index.list.reset(model.get("count")); }],
    ["change:rev", onRev],
    ["change:chain", onChain],
    ["change:dag", onDag],
    ["change:hexdump", onHex],
    ["change:text", () => text.reset()],
  ];
  handlers.forEach(([event, handler]) => model.on(event, handler));

  // JupyterLab's own shortcuts (arrows move between cells) stand aside inside the widget
  const root = h("div", { class: "rx", "data-lm-suppress-shortcuts": "true" },
    h("div", { class: "rx-header" }, h("span", { class: "rx-brand" }, "revlog explorer"),
      h("span", { class: "rx-muted" }, model.get("label")), title, facts, error, goTo),
    h("div", { class: "rx-grid" },
      revlogs.el,
      index.el,
      h("div", { class: "rx-pane rx-dag" }, dagHead, dagBox),
      h("div", { class: "rx-pane rx-chain" }, chainHead, chainLegend(),
        h("div", { class: "rx-chain-body" }, chainBox, chainWords)),
      h("div", { class: "rx-pane rx-detail" }, h("div", { class: "rx-tabs" }, ...tabs), text.el, hexBox)));
  el.replaceChildren(root);
  onHeader();
  onChain();
  onDag();
  onHex();
  index.reset();
  showTab(tab);
  return () => {
    handlers.forEach(([event, handler]) => model.off(event, handler));
    channel.close();
  };
}

export default { render };
