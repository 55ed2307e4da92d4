// The cockpit's charts: each figure fetches its data (JSON) and draws it with ECharts; 表格 shows the same
// figures as a table, 下载图片 saves the chart as PNG. Colours are the Okabe–Ito palette (readable for
// colour-blind people) and every series also carries a pattern (decal), so a grey print still tells the
// series apart. A point of the scatter chart opens its project. A form marked data-chart-images (drafting
// the district report) sends the drawn charts' pictures in its file inputs named chart_<name>.
(function () {
  var LEVEL_COLORS = { red: "#D55E00", yellow: "#E69F00", green: "#009E73", none: "#999999" };
  var PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00"];

  function colored(series) {
    return series.map(function (s, i) {
      var color = s.level ? LEVEL_COLORS[s.level] : PALETTE[i % PALETTE.length];
      return Object.assign({}, s, { itemStyle: { color: color } });
    });
  }

  function base(data) {
    return {
      color: PALETTE,
      aria: { enabled: true, decal: { show: true } },
      animation: false,
      tooltip: { trigger: data.kind === "scatter" ? "item" : "axis" },
      legend: { top: 0, type: "scroll" },
      grid: { left: 60, right: 30, top: 40, bottom: 80, containLabel: true },
      toolbox: { show: false }
    };
  }

  function category(data) {
    return { type: "category", data: data.categories, axisLabel: { interval: 0, rotate: data.categories.length > 6 ? 30 : 0 } };
  }

  function option(data) {
    var opt = base(data);
    if (data.kind === "scatter") {
      opt.xAxis = { type: "value", name: "预算（万元）", nameLocation: "middle", nameGap: 28, scale: true };
      opt.yAxis = { type: "value", name: "执行率（%）" };
      opt.tooltip.formatter = function (p) { return p.data.name + "<br>预算 " + p.data.value[0] + " 万元，执行率 " + p.data.value[1] + "%"; };
      opt.series = colored(data.series).map(function (s) {
        return Object.assign(s, { type: "scatter", symbolSize: 10, cursor: "pointer" });
      });
      return opt;
    }
    opt.xAxis = category(data);
    if (data.name === "execution") {
      // The axis always reaches the time-progress line, so that the line is drawn.
      opt.yAxis = { type: "value", name: "执行率（%）", max: function (range) { return Math.ceil(Math.max(range.max, data.mark.value) / 10) * 10; } };
      opt.series = colored(data.series).map(function (s) {
        return Object.assign(s, {
          type: "bar",
          markLine: { symbol: "none", lineStyle: { color: "#000", type: "dashed" }, label: { position: "insideEndTop", formatter: data.mark.name + " {c}%" }, data: [{ yAxis: data.mark.value }] }
        });
      });
      return opt;
    }
    opt.yAxis = { type: "value", minInterval: 1 };
    opt.series = colored(data.series).map(function (s) {
      var extra = data.kind === "stacked" ? { type: "bar", stack: "total" } : { type: data.kind === "line" ? "line" : "bar" };
      return Object.assign(s, extra);
    });
    return opt;
  }

  function table(data) {
    var element = document.createElement("table");
    element.className = "grid compact";
    var head = element.createTHead().insertRow();
    data.columns.forEach(function (name) {
      var th = document.createElement("th");
      th.textContent = name;
      head.appendChild(th);
    });
    var body = element.createTBody();
    data.rows.forEach(function (row) {
      var tr = body.insertRow();
      row.forEach(function (value) {
        var td = tr.insertCell();
        td.textContent = value === null ? "—" : value;
        if (typeof value === "number") { td.className = "num"; }
      });
    });
    return element;
  }

  function draw(box, data) {
    box.querySelector(".chart-title").textContent = data.title;
    var canvas = box.querySelector(".chart-canvas");
    canvas.setAttribute("aria-label", data.title);
    box.querySelector(".chart-table").appendChild(table(data));
    if (!data.rows.length) {
      canvas.textContent = "暂无数据。";
      canvas.classList.add("muted", "chart-empty");
      box.dataset.ready = "1";
      return;
    }
    var chart = echarts.init(canvas, null, { renderer: "canvas" });
    chart.setOption(option(data));
    if (data.kind === "scatter") {
      chart.on("click", function (params) {
        if (params.data && params.data.url) { window.location.href = params.data.url; }
      });
    }
    box.querySelector('[data-action="png"]').addEventListener("click", function () {
      var link = document.createElement("a");
      link.href = chart.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: "#fff" });
      link.download = data.title + ".png";
      document.body.appendChild(link);
      link.click();
      link.remove();
    });
    window.addEventListener("resize", function () { chart.resize(); });
    box.dataset.ready = "1";
  }

  function pngFile(chart, name) {
    var url = chart.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: "#fff" });
    var binary = atob(url.split(",")[1]);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
    return new File([bytes], name + ".png", { type: "image/png" });
  }

  function attachImages(form) {
    form.addEventListener("submit", function () {
      document.querySelectorAll("[data-chart-url]").forEach(function (box) {
        var chart = echarts.getInstanceByDom(box.querySelector(".chart-canvas"));
        var name = box.id.replace("chart-", "");
        var input = form.querySelector('input[name="chart_' + name + '"]');
        if (!chart || !input) { return; }
        var files = new DataTransfer();
        files.items.add(pngFile(chart, name));
        input.files = files.files;
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-chart-images]").forEach(attachImages);
    document.querySelectorAll("[data-chart-url]").forEach(function (box) {
      box.querySelector('[data-action="table"]').addEventListener("click", function () {
        var shown = box.querySelector(".chart-table");
        shown.hidden = !shown.hidden;
      });
      fetch(box.dataset.chartUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (data) { draw(box, data); });
    });
  });
})();
