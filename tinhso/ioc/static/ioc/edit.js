// The dashboard composer: the definition stays JSON in the textarea (what is saved, exported and
// imported); this script lists its widgets with buttons to move or remove them and adds new ones.
(function () {
  "use strict";
  var area = document.getElementById("definition");
  var list = document.getElementById("composer-list");
  var form = document.getElementById("composer-add");
  if (!area || !list || !form) { return; }
  var error = document.getElementById("composer-error");

  function read() {
    try { error.hidden = true; return JSON.parse(area.value); }
    catch (e) { error.hidden = false; error.textContent = "JSON: " + e.message; return null; }
  }
  function write(data) { area.value = JSON.stringify(data, null, 2); draw(); }
  function button(text, label, action) {
    var b = document.createElement("button");
    b.type = "button"; b.textContent = text; b.title = label; b.setAttribute("aria-label", label);
    b.addEventListener("click", action);
    return b;
  }
  function draw() {
    var data = read();
    list.innerHTML = "";
    if (!data) { return; }
    (data.widgets || []).forEach(function (item, i) {
      var li = document.createElement("li");
      var params = Object.keys(item.params || {}).map(function (k) { return k + "=" + item.params[k]; }).join(", ");
      var text = document.createElement("span");
      text.textContent = item.widget + (params ? " (" + params + ")" : "") + " · " + list.dataset.page + " " +
        (item.page || 1) + (item.wide ? " · " + list.dataset.wide : "");
      li.appendChild(text);
      li.appendChild(button("↑", list.dataset.up, function () {
        if (i > 0) { data.widgets.splice(i - 1, 0, data.widgets.splice(i, 1)[0]); write(data); }
      }));
      li.appendChild(button("↓", list.dataset.down, function () {
        if (i < data.widgets.length - 1) { data.widgets.splice(i + 1, 0, data.widgets.splice(i, 1)[0]); write(data); }
      }));
      li.appendChild(button("✕", list.dataset.remove, function () { data.widgets.splice(i, 1); write(data); }));
      list.appendChild(li);
    });
  }
  form.addEventListener("click", function (event) {
    if (event.target.id !== "composer-add-button") { return; }
    var data = read();
    if (!data) { return; }
    var params = {};
    form.querySelector("[name=params]").value.split(",").forEach(function (pair) {
      var kv = pair.split("=");
      if (kv[0].trim()) {
        var value = (kv.slice(1).join("=") || "").trim();
        params[kv[0].trim()] = /^\d+$/.test(value) ? Number(value) : value;
      }
    });
    data.widgets = data.widgets || [];
    data.widgets.push({widget: form.querySelector("[name=widget]").value, params: params,
                       page: Number(form.querySelector("[name=page]").value) || 1,
                       wide: form.querySelector("[name=wide]").checked});
    write(data);
  });
  area.addEventListener("input", draw);
  draw();
})();
