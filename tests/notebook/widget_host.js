// A minimal widget host for the browser test: what anywidget gives a module (a model
// with get, set, on, off, save_changes, send; the module imported from a blob URL, its
// CSS in a <style>), bridged to a real kernel. window.kernelSend (exposed by the test)
// carries a comm message to the kernel and returns the comm messages it answered with.
window.startWidget = async (esm, css, state) => {
  const style = document.createElement("style");
  style.textContent = css;
  document.head.append(style);
  const listeners = new Map();
  const emit = (name, ...args) => (listeners.get(name) || []).slice().forEach((cb) => cb(...args));
  const dirty = {};
  const assign = (key, value) => {
    if (JSON.stringify(state[key]) === JSON.stringify(value)) return false;
    state[key] = value;
    return true;
  };
  const apply = (replies) => {
    for (const data of replies) {
      if (data.method === "update" || data.method === "echo_update") {
        const changed = Object.entries(data.state).filter(([k, v]) => assign(k, v)).map(([k]) => k);
        changed.forEach((key) => emit(`change:${key}`));
      } else if (data.method === "custom") {
        emit("msg:custom", data.content, []);
      }
    }
  };
  window.deliver = apply; // what the kernel sent on its own (code run in a cell)
  window.kernelMessages = 0;
  const post = async (data) => {
    window.kernelMessages += 1;
    apply(await window.kernelSend(data));
    window.kernelMessages -= 1;
  };
  const model = {
    get: (key) => state[key],
    set: (key, value) => {
      dirty[key] = value;
      if (assign(key, value)) emit(`change:${key}`);
    },
    save_changes: () => {
      const changes = { ...dirty };
      Object.keys(dirty).forEach((key) => delete dirty[key]);
      post({ method: "update", state: changes, buffer_paths: [] });
    },
    on: (name, cb) => listeners.set(name, [...(listeners.get(name) || []), cb]),
    off: (name, cb) => listeners.set(name, (listeners.get(name) || []).filter((f) => f !== cb)),
    send: (content) => post({ method: "custom", content }),
  };
  const url = URL.createObjectURL(new Blob([esm], { type: "text/javascript" }));
  const module = await import(url);
  await module.default.render({ model, el: document.getElementById("widget") });
};
